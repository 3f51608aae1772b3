import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { eventually } from './eventually.js';
import { freePort } from './ports.js';
import { ADMIN_TOKEN } from './service.js';

export const SECRET_KEY = 'test-secret-key-0123456789abcdef0123456789';

/** A `reverify start` process of its own (the CLI run through tsx), as one node of a deployment. */
export interface NodeProcess {
  url: string;
  proc: ChildProcess;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  /** fetch against the node with the admin token, JSON in and out; network failures answer status 0. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export const runNode = (env: Record<string, string>, args: string[] = []) => {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'start', ...args], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      REVERIFY_ADMIN_TOKEN: ADMIN_TOKEN,
      REVERIFY_SECRET_KEY: SECRET_KEY,
      REVERIFY_LOG_LEVEL: 'fatal',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return { proc, stderr: () => stderr };
};

/** Starts a node on a free port and waits until it answers /readyz. */
export const startNode = async (env: Record<string, string>): Promise<NodeProcess> => {
  const port = await freePort();
  const { proc, stderr } = runNode({ ...env, REVERIFY_HOST: '127.0.0.1', REVERIFY_PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  proc.once('exit', () => {
    exited = true;
  });
  await eventually(
    async () => {
      if (exited) throw new Error(`node exited before it was ready: ${stderr()}`);
      return fetch(`${url}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
    },
    (status) => status === 200,
    30_000,
  );
  return {
    url,
    proc,
    stderr,
    async call(method, path, body) {
      try {
        const res = await fetch(url + path, {
          method,
          headers: {
            authorization: `Bearer ${ADMIN_TOKEN}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        let json: unknown = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {}
        return { status: res.status, json };
      } catch {
        return { status: 0, json: null };
      }
    },
    async kill(signal) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exit = once(proc, 'exit');
      proc.kill(signal);
      await exit;
    },
  };
};
