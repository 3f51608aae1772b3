import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { endScriptThread, startScriptThread } from '../../lib/script-thread.js';

type Row = Record<string, unknown>;

/** Runs in the worker: its own connection, each message one SELECT answered with its rows or its error. */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
// The file must exist (a store closed and removed is not created again), and the connection only reads.
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('query_only = 1');
db.pragma('temp_store = MEMORY');
db.pragma('cache_size = -8192');
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

/** One worker and the reads it has in hand: a thread that dies fails only its own. */
interface Thread {
  worker: Worker;
  waiting: Map<number, Waiting>;
}

/**
 * Reads whose cost grows with the tables (counts over every message for the metrics scrape and the
 * console, the day's activity, listings a filter cannot order by an index) on a thread of their own
 * with their own connection: at 1 M messages one count took about 50 ms and a page of sent messages
 * about 850 ms, and on the main thread every request waited for them. WAL lets this reader run
 * beside the writer. Started at the first read, unref'd while nothing is asked, so a process that
 * never asks has no thread and one that idles is never held open by it. Refuses reads once stopped.
 */
export class ReadThread {
  private thread: Thread | null = null;
  private next = 0;
  private stopped = false;

  constructor(private readonly file: string) {}

  all(sql: string, params: unknown[]): Promise<Row[]> {
    if (this.stopped) return Promise.reject(new Error('read thread: the store is closed'));
    const thread = this.start();
    const id = this.next++;
    return new Promise<Row[]>((resolve, reject) => {
      thread.waiting.set(id, { resolve, reject });
      thread.worker.ref();
      try {
        thread.worker.postMessage({ id, sql, params });
      } catch (error) {
        settle(thread, id);
        reject(error as Error);
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const thread = this.thread;
    this.thread = null;
    if (!thread) return;
    await endScriptThread(thread.worker, 'stop');
  }

  private start(): Thread {
    if (this.thread) return this.thread;
    const worker = startScriptThread(workerSource, { module: createRequire(import.meta.url).resolve('better-sqlite3'), file: this.file });
    const thread: Thread = { worker, waiting: new Map() };
    worker.unref();
    worker.on('message', (m: { id: number; rows?: Row[]; error?: string }) => {
      const w = settle(thread, m.id);
      if (m.error !== undefined) w?.reject(new Error(`read thread: ${m.error}`));
      else w?.resolve(m.rows ?? []);
    });
    const fail = (error: Error) => {
      if (this.thread === thread) this.thread = null;
      for (const id of [...thread.waiting.keys()]) settle(thread, id)?.reject(error);
    };
    worker.on('error', fail);
    worker.on('messageerror', (error) => {
      fail(error);
      void worker.terminate();
    });
    worker.on('exit', () => fail(new Error('read thread: exited')));
    this.thread = thread;
    return thread;
  }
}

const settle = (thread: Thread, id: number): Waiting | undefined => {
  const w = thread.waiting.get(id);
  thread.waiting.delete(id);
  if (thread.waiting.size === 0) thread.worker.unref();
  return w;
};
