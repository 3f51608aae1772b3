import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

type Row = Record<string, unknown>;

/** Runs in the worker: its own connection, each message one SELECT answered with its rows or its error. */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const statements = new Map();
parentPort.on('message', (m) => {
  if (m === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    let s = statements.get(m.sql);
    if (!s) {
      s = db.prepare(m.sql);
      if (!s.readonly) throw new Error('only reads run on the read thread');
      statements.set(m.sql, s);
    }
    parentPort.postMessage({ id: m.id, rows: s.all(...m.params) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

interface Waiting {
  resolve: (rows: Row[]) => void;
  reject: (error: Error) => void;
}

/**
 * Reads whose cost grows with the tables (counts over every message, for the metrics scrape and the
 * console's polled counts) on a thread of their own with their own connection: at 1 M messages one
 * such count took about 50 ms, and on the main thread every request waited for it. WAL lets this
 * reader run beside the writer. Started at the first read, unref'd while nothing is asked, so a
 * process that never asks has no thread and one that idles is never held open by it.
 */
export class ReadThread {
  private worker: Worker | null = null;
  private next = 0;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly file: string) {}

  all(sql: string, params: unknown[]): Promise<Row[]> {
    const worker = this.start();
    const id = this.next++;
    return new Promise<Row[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      try {
        worker.postMessage({ id, sql, params });
      } catch (error) {
        this.settle(id);
        reject(error as Error);
      }
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // Held while it stops: an unref'd thread would let a process with nothing else to do exit mid-close.
    worker.ref();
    worker.postMessage('stop');
    await exited;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerSource, {
      eval: true,
      // CommonJS whatever the process was started with (see smtp-thread.ts).
      execArgv: [],
      workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), file: this.file },
    });
    worker.unref();
    worker.on('message', (m: { id: number; rows?: Row[]; error?: string }) => {
      const w = this.settle(m.id);
      if (m.error !== undefined) w?.reject(new Error(`read thread: ${m.error}`));
      else w?.resolve(m.rows ?? []);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const id of [...this.waiting.keys()]) this.settle(id)?.reject(error);
    };
    worker.on('error', fail);
    worker.on('messageerror', fail);
    worker.on('exit', () => fail(new Error('read thread: exited')));
    this.worker = worker;
    return worker;
  }

  private settle(id: number): Waiting | undefined {
    const w = this.waiting.get(id);
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.worker?.unref();
    return w;
  }
}
