import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { endScriptThread, startScriptThread } from '../../lib/script-thread.js';
import type { Db } from './database.js';

/**
 * Runs in the worker: its own connection and a PASSIVE checkpoint every `busyMs` while the WAL keeps
 * changing (small checkpoints: a large one's writes and fsync stalled the writer's commits for tens of
 * milliseconds, measured), every `idleMs` once it stays still, followed by a RESTART once the WAL
 * has `restartFrames` frames (see RESTART_FRAMES); a last one when told to stop.
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

/** Pages the WAL may reach before the writer checkpoints itself (a bound should the worker fall behind). */
const WRITER_CHECKPOINT_PAGES = 10_000;

/**
 * Frames at which the worker's checkpoint is a RESTART rather than PASSIVE. Passive checkpoints
 * alone seldom let the WAL start over under a steady stream of commits (one always lands while the
 * checkpoint copies), so it grew to the writer's bound, whose checkpoint then ran in a commit on the
 * event loop: commits of about 60 ms, some 24 in 35 s of native resends, with p99 rising to 41-61 ms.
 * A RESTART after the passive one has copied almost everything holds the writer only briefly:
 * measured, no commit over 30 ms and p99 19-30 ms in the same runs.
 */
const RESTART_FRAMES = 2_000;

/**
 * Copies the WAL back into the database file from a worker thread, so that no request waits for a long
 * checkpoint (SQLite's own runs inside whichever commit crosses 1,000 pages, on the event loop, and
 * showed as p99 spikes under load). A PASSIVE checkpoint never blocks the writer; the RESTART that
 * lets the WAL start over holds it only while it copies the last few frames. Started once the
 * store has been written to a while; a store that stays quiet (tests, the CLI) never starts a thread.
 */
export class BackgroundCheckpointer {
  private worker: Worker | null = null;

  constructor(
    private readonly db: Db,
    private readonly file: string,
    private readonly busyMs = 20,
    private readonly idleMs = 200,
  ) {}

  start(): void {
    if (this.worker || this.file === ':memory:') return;
    this.worker = startScriptThread(workerSource, {
      module: createRequire(import.meta.url).resolve('better-sqlite3'),
      file: this.file,
      busyMs: this.busyMs,
      restartFrames: RESTART_FRAMES,
      idleMs: this.idleMs,
    });
    this.worker.unref();
    // If the worker dies, the writer's own checkpoints (at a higher bound) keep the WAL in check.
    this.worker.on('error', () => {
      this.worker = null;
    });
    this.db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    await endScriptThread(worker, 'stop');
  }
}
