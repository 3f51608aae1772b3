import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What nodemailer said of one message, as it crosses from the thread (an Error's fields, not the Error). */
export type ThreadReply =
  | { ok: true; response: string }
  | { ok: false; error: { message: string; code?: string; responseCode?: number; response?: string } };

/**
 * Runs in the thread: one nodemailer transport, one message per request. Plain JavaScript, evaluated,
 * so it runs the same under tsx, vitest, esbuild's bundles and dist/.
 */
const threadSource = `
const { parentPort, workerData } = require('node:worker_threads');
const nodemailer = require(workerData.module);
const transporter = nodemailer.createTransport(workerData.options);
parentPort.on('message', (m) => {
  if (m === 'close') {
    transporter.close();
    parentPort.close();
    return;
  }
  transporter.sendMail(m.message).then(
    (info) => parentPort.postMessage({ id: m.id, ok: true, response: String(info.response ?? '250') }),
    (e) => parentPort.postMessage({
      id: m.id,
      ok: false,
      error: { message: String(e?.message ?? e), code: e?.code, responseCode: e?.responseCode, response: e?.response },
    }),
  );
});
`;

/** How long a closing thread may take to say QUIT on its connections before it is stopped. */
const CLOSE_GRACE_MS = 2_000;

/**
 * nodemailer on a thread of its own: composing MIME, DKIM signing and the SMTP conversation took about
 * half of a delivering process's main thread (bench/, delivery case), time taken from claiming,
 * rendering and answering requests. Started at the first message, so a process that sends nothing
 * starts no thread; kept from holding the process open while nothing is in flight. If the thread
 * dies, what it had in hand is answered as a temporary failure (the courier retries it) and the
 * next message starts a new one.
 */
export class SmtpThread {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, (reply: ThreadReply) => void>();

  /**
   * `options`: nodemailer's transport options, which must survive a structured clone (no functions).
   * `source`: the thread's script (tests give one that dies on cue).
   */
  constructor(
    private readonly options: object,
    private readonly source: string = threadSource,
  ) {}

  send(message: object): Promise<ThreadReply> {
    const worker = this.worker ?? this.spawn();
    const id = ++this.nextId;
    return new Promise<ThreadReply>((resolve) => {
      this.pending.set(id, resolve);
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, message });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.fail('closed');
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('close');
    const grace = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
    await exited;
    clearTimeout(grace);
  }

  private spawn(): Worker {
    const worker = new Worker(this.source, {
      eval: true,
      workerData: { module: createRequire(import.meta.url).resolve('nodemailer'), options: this.options },
    });
    worker.on('message', (reply: ThreadReply & { id: number }) => {
      const done = this.pending.get(reply.id);
      if (!done) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      done(reply);
    });
    worker.on('error', (e) => this.lost(worker, e.message));
    worker.on('exit', (code) => this.lost(worker, `exited (${code})`));
    this.worker = worker;
    return worker;
  }

  private lost(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.fail(why);
  }

  private fail(why: string): void {
    for (const done of this.pending.values()) done({ ok: false, error: { message: `SMTP thread ${why}`, code: 'ETHREAD' } });
    this.pending.clear();
  }
}
