import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '../test/helpers/postgres.js';
import { measureNodes } from './lib/postgres-nodes.js';

/**
 * The PostgreSQL cases of `npm run bench` on their own, with SQLite on one node beside them: the native
 * resend on 1, 2 and 3 `reverify start` nodes sharing one embedded PostgreSQL (durable defaults),
 * 50 connections spread over the nodes, quotas off, mail captured (the courier delivers into the
 * database while requests arrive). Reports req/s, latency and where the CPU went.
 * Loopback only; bounded in time; stops by itself. Run: npx tsx bench/postgres-nodes.ts
 */
const common = {
  verifications: 1000,
  connections: 50,
  warmupS: 3,
  durationS: Number(process.env.BENCH_DURATION ?? 10),
  repetitions: 1,
  startTimeoutMs: 60_000,
};

const postgres = await startPostgres({ durable: true });
const dir = mkdtempSync(join(tmpdir(), 'reverify-bench-'));
try {
  const rows: Record<string, unknown>[] = [];
  const row = async (name: string, databaseUrl: string, nodes: number, databasePid: number | null) => {
    const { median, rss_mb } = await measureNodes({ ...common, databaseUrl, databasePid, nodes });
    rows.push({ case: name, ...median, 'peak RSS per node (MB)': rss_mb });
  };
  await row('SQLite, 1 node', `sqlite:${join(dir, 'bench.db')}`, 1, null);
  for (const n of [1, 2, 3]) await row(`PostgreSQL, ${n} node${n > 1 ? 's' : ''}`, await postgres.createDatabase(), n, postgres.pid);
  console.log(
    `native resend, ${common.connections} connections over the nodes, ${common.durationS} s after ${common.warmupS} s warm-up, ${process.version}`,
  );
  console.table(rows);
} finally {
  await postgres.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
