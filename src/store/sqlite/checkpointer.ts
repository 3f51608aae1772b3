import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { endScriptThread, startScriptThread } from '../../lib/script-thread.js';
import type { WalCheckpointerState } from '../store.js';
import type { Db, Durability } from './database.js';

/**
 * Runs in the worker: its own connection and a PASSIVE checkpoint every `busyMs` while the WAL keeps
 * changing (every `idleMs` once it stays still), followed by a RESTART once the WAL has
 * `restartFrames` frames (see Cadence); a last one when told to stop.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 100');
let lastLog = -1;
let timer = null;
const checkpoint = (mode = 'PASSIVE') => {
  try { return db.pragma('wal_checkpoint(' + mode + ')')[0]; } catch { return undefined; }
};
const tick = () => {
  let r = checkpoint();
  if (r !== undefined && r.log >= workerData.restartFrames) r = checkpoint('RESTART') ?? r;
  const changed = r !== undefined && r.log !== lastLog;
  if (r !== undefined) lastLog = r.log;
  timer = setTimeout(tick, changed ? workerData.busyMs : workerData.idleMs);
};
tick();
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/**
 * How the worker paces itself: a PASSIVE checkpoint every `busyMs` while the WAL changes, and a
 * RESTART once it has `restartFrames` frames. Passive checkpoints alone seldom let the WAL start over
 * under a steady stream of commits (one always lands while the checkpoint copies), so the WAL would
 * grow to `writerPages`, the writer's own bound, whose checkpoint runs in a commit on the event loop
 * (measured: commits of about 60 ms, p99 41-61 ms). A RESTART holds the writer while it copies what
 * the passive one before it left and syncs the database file (5-40 ms measured), and up to the
 * worker's busy timeout (100 ms) more while a read still uses the WAL.
 */
export interface Cadence {
  busyMs: number;
  restartFrames: number;
  writerPages: number;
}

/**
 * By the connection's durability. `normal`: a page that many commits wrote is copied once per
 * checkpoint, so a checkpoint every 250 ms copied and synced about half of what one every 20 ms did
 * (1.2 s of the worker's time per 10 s of native resends, against 2.5 s), CPU left to the requests;
 * RESTARTs are kept rare (7 in 10 s of load instead of 93) by letting the WAL reach 30,000 frames,
 * about 120 MB. Measured against 20 ms and 2,000 frames, medians of 3 runs of 10 s at 50
 * connections, back to back: native resend 6,748 against 6,260 req/s (p99 18 against 20 ms), 1 M
 * stored 5,685 against 5,116 (p99 25 against 32); RESTARTs at 10,000 or 20,000 frames pushed p99 to
 * 25-68 ms. `full` keeps the short cadence: every commit there waits for an fsync of the WAL, and the
 * large checkpoints' writes slowed those down (5,574 against 5,979 req/s, p99 25 against 18 ms).
 */
export const cadences: Record<Durability, Cadence> = {
  normal: { busyMs: 250, restartFrames: 30_000, writerPages: 60_000 },
  full: { busyMs: 20, restartFrames: 2_000, writerPages: 10_000 },
};

/** SQLite's own bound, back in force should the worker die: small checkpoints, in commits. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1_000;

/** The durability an open connection was given (database.ts sets synchronous from it). */
const durabilityOf = (db: Db): Durability => (Number(db.pragma('synchronous', { simple: true })) >= 2 ? 'full' : 'normal');

/**
 * Copies the WAL back into the database file from a worker thread, so that no request waits for a long
 * checkpoint (SQLite's own runs inside whichever commit crosses 1,000 pages, on the event loop, and
 * showed as p99 spikes under load). A PASSIVE checkpoint never blocks the writer; the rare RESTART
 * that lets the WAL start over holds it briefly (see Cadence). The writer's own bound is raised as
 * soon as the store opens, and the thread is started once the store has been written to a little
 * (store.ts), so a store that stays quiet (most tests and CLI commands) never starts a thread, and
 * until then its few commits leave the WAL as it is: SQLite copies it back when the last connection
 * closes, or reads it back after a crash.
 */
export class BackgroundCheckpointer {
  private worker: Worker | null = null;
  private died = false;
  /** Null for an in-memory database, which has no WAL. */
  private readonly cadence: Cadence | null;

  constructor(
    private readonly db: Db,
    private readonly file: string,
    /** The thread's script: a test gives one that dies. */
    private readonly source = workerSource,
  ) {
    this.cadence = file === ':memory:' ? null : cadences[durabilityOf(db)];
    if (this.cadence) db.pragma(`wal_autocheckpoint = ${this.cadence.writerPages}`);
  }

  start(): void {
    if (this.worker || !this.cadence) return;
    const { busyMs, restartFrames } = this.cadence;
    const worker = startScriptThread(this.source, {
      module: createRequire(import.meta.url).resolve('better-sqlite3'),
      file: this.file,
      busyMs,
      restartFrames,
      idleMs: Math.max(busyMs, 200),
    });
    this.worker = worker;
    worker.unref();
    // A worker that dies leaves the WAL to the writer: at the worker's bound, each of its
    // checkpoints would copy up to hundreds of MB inside a commit, so SQLite's own small bound returns.
    const died = () => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.died = true;
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    };
    worker.on('error', died);
    worker.on('exit', died);
  }

  /** `died`: the thread ended without being stopped, and commits copy the WAL back themselves again. */
  state(): WalCheckpointerState {
    return this.died ? 'died' : this.worker ? 'running' : 'idle';
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    await endScriptThread(worker, 'stop');
  }
}
