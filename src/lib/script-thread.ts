import { Worker } from 'node:worker_threads';

/**
 * A worker thread running `source`, a CommonJS script, whatever the process was started with: no
 * execArgv, since `--input-type=module` made an eval'd script ESM, where `require` is missing.
 */
export const startScriptThread = (source: string, workerData: unknown): Worker =>
  new Worker(source, { eval: true, execArgv: [], workerData });

/**
 * Asks a thread to end with `message` and resolves once it has exited, terminating it after
 * `graceMs`. The thread is held meanwhile: an unref'd one would let a process with nothing else to
 * do exit in the middle of its close.
 */
export const endScriptThread = async (worker: Worker, message: unknown, graceMs?: number): Promise<void> => {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.ref();
  worker.postMessage(message);
  const grace = graceMs === undefined ? undefined : setTimeout(() => void worker.terminate(), graceMs);
  await exited;
  clearTimeout(grace);
};
