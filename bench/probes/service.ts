import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/helpers/ports.js';

export interface ProbeService {
  base: string;
  /** The SQLite file the service writes, for probes that count what it stored. */
  databaseFile: string;
  stop(): Promise<void>;
}

/**
 * `reverify start` from this checkout for one probe: a fresh SQLite file in a temporary directory, a
 * free loopback port, `env` over the defaults; resolves once /readyz answers 200. `stop` ends the
 * process and removes the directory.
 */
export const startProbeService = async (env: Record<string, string> = {}): Promise<ProbeService> => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'reverify-probe-'));
  const databaseFile = join(dir, 'reverify.db');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'start', '--port', String(port)], {
    env: { ...process.env, REVERIFY_DATABASE_URL: `sqlite:${databaseFile}`, REVERIFY_LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), sleep(5000)]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  for (
    let i = 0;
    (await fetch(`${base}/readyz`).then(
      (r) => r.status,
      () => 0,
    )) !== 200;
    i++
  ) {
    if (i > 300 || child.exitCode !== null) {
      await stop();
      throw new Error('the service did not start');
    }
    await sleep(100);
  }
  return { base, databaseFile, stop };
};
