import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { endScriptThread, startScriptThread } from '../../lib/script-thread.js';

/** A nodemailer error's fields (an Error does not cross a thread whole). */
export interface ThreadError {
  message: string;
  code?: string;
  responseCode?: number;
  response?: string;
}

/** What nodemailer said of one message, as it crosses from the thread. */
export type ThreadReply = { ok: true; response: string } | { ok: false; error: ThreadError };

/**
 * Runs in the thread: one nodemailer transport, one message per request. Plain JavaScript, evaluated,
 * so it runs the same under tsx, vitest, esbuild's bundles and dist/. Told to close, it lets the
 * messages in hand finish (their real answers go back) and then closes the pool.
 */
const threadSource = `
const { parentPort, workerData } = require('node:worker_threads');
const nodemailer = require(workerData.module);
const transporter = nodemailer.createTransport(workerData.options);
let inHand = 0;
let closing = false;
const closeWhenIdle = () => {
  if (!closing || inHand > 0) return;
  transporter.close();
  parentPort.close();
};
parentPort.on('message', (m) => {
  if (m === 'close') {
    closing = true;
    return closeWhenIdle();
  }
  inHand++;
  transporter
    .sendMail(m.message)
    .then(
      (info) => parentPort.postMessage({ id: m.id, ok: true, response: String(info.response ?? '250') }),
      (e) => parentPort.postMessage({
        id: m.id,
        ok: false,
        error: { message: String(e?.message ?? e), code: e?.code, responseCode: e?.responseCode, response: e?.response },
      }),
    )
    .finally(() => {
      inHand--;
      closeWhenIdle();
    });
});
`;

/** How long a closing thread may take to finish the messages in hand and say QUIT before it is stopped. */
export const CLOSE_GRACE_MS = 2_000;

const failure = (why: string): ThreadReply => ({ ok: false, error: { message: `SMTP thread ${why}`, code: 'ETHREAD' } });

interface Thread {
  worker: Worker;
  /** What this thread has in hand, by request id. */
  pending: Map<number, (reply: ThreadReply) => void>;
}

/**
 * nodemailer on a thread of its own: composing MIME, DKIM signing and the SMTP conversation took about
 * half of a delivering process's main thread (bench/, delivery case), time taken from claiming,
 * rendering and answering requests. Started at the first message, so a process that sends nothing
 * starts no thread; kept from holding the process open while nothing is in flight. If the thread
 * dies, what it had in hand is answered as a temporary failure (the courier retries it: a message the
 * server had already accepted goes twice, with the same Message-ID) and the next message starts a new
 * thread. Closed, it refuses new messages as temporary failures and starts no thread again.
 */
export class SmtpThread {
  private current: Thread | null = null;
  private closed = false;
  private nextId = 0;
  private readonly module: string;

  /**
   * `options`: nodemailer's transport options; they must survive a structured clone (no functions),
   * checked here so that a wrong option fails at startup. `source`: the thread's script (tests give
   * one that dies on cue).
   */
  constructor(
    private readonly options: object,
    private readonly source: string = threadSource,
  ) {
    structuredClone(options);
    this.module = createRequire(import.meta.url).resolve('nodemailer');
  }

  send(message: object): Promise<ThreadReply> {
    if (this.closed) return Promise.resolve(failure('closed'));
    const thread = this.current ?? this.spawn();
    const id = ++this.nextId;
    return new Promise<ThreadReply>((resolve) => {
      try {
        thread.worker.postMessage({ id, message });
      } catch (e) {
        resolve(failure(`could not take the message: ${(e as Error).message}`));
        return;
      }
      thread.pending.set(id, resolve);
      if (thread.pending.size === 1) thread.worker.ref();
    });
  }

  /** Lets the messages in hand finish (up to CLOSE_GRACE_MS; what is left then fails as temporary), then ends the thread. */
  async close(): Promise<void> {
    this.closed = true;
    const thread = this.current;
    this.current = null;
    if (!thread) return;
    await endScriptThread(thread.worker, 'close', CLOSE_GRACE_MS);
  }

  private spawn(): Thread {
    const worker = startScriptThread(this.source, { module: this.module, options: this.options });
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (reply: ThreadReply & { id: number }) => {
      const done = thread.pending.get(reply.id);
      if (!done) return;
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) worker.unref();
      done(reply);
    });
    const end = (why: string) => {
      if (this.current === thread) this.current = null;
      for (const done of thread.pending.values()) done(failure(why));
      thread.pending.clear();
    };
    worker.on('error', (e) => end(e.message));
    worker.on('messageerror', (e) => end(`sent an answer that could not be read: ${e.message}`));
    worker.on('exit', (code) => end(this.closed ? 'closed' : `exited (${code})`));
    this.current = thread;
    return thread;
  }
}
