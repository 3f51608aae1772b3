import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ADMIN_TOKEN } from './service.js';

/** `reverify start` in a child process of its own (from this checkout's source), on the SQLite file in `dir`. */
export const spawnReverify = (dir: string, args: string[], env: Record<string, string>): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'start', ...args], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      REVERIFY_DATABASE_URL: `sqlite:${join(dir, 'reverify.db')}`,
      REVERIFY_ADMIN_TOKEN: ADMIN_TOKEN,
      REVERIFY_SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
      REVERIFY_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
