import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadSettings } from '../../src/config/load.js';
import { OPERATOR } from '../../src/core/access/permissions.js';
import { buildApp } from '../../src/http/app.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { SqliteConnection } from '../../src/store/sqlite/connection.js';

/**
 * What one native resend costs in SQL: every statement the process runs while N resends are answered
 * (PROBE_COURIER=on: with the courier delivering to the capture transport meanwhile), calls and time per resend.
 * `npx tsx bench/probes/statements.ts`; `PROBE_PLAIN=1` leaves the statements uncounted, and the in-process rate
 * it prints then moves by about 1 % from run to run: a quick measure of a change to the request path.
 * The resends go round PROBE_VERIFICATIONS verifications (500), in turn or, with PROBE_RANDOM=1, at random
 * (as the bench does); PROBE_STORED=n seeds n verifications in bulk first, as the bench's growth cases do,
 * and spreads the resends over PROBE_VERIFICATIONS of them. With PROBE_COURIER=on, the groups and COMMIT's time
 * include the courier's commits. PROBE_WINDOW=n prints the rate of each n resends: how it moves as the store grows.
 */
const N = Number(process.env.PROBE_RESENDS ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'reverify-probe-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const stats = new Map<string, { calls: number; ns: bigint }>();
let counting = false;
const original = SqliteConnection.prototype.stmt;
if (!process.env.PROBE_PLAIN)
  SqliteConnection.prototype.stmt = function (this: SqliteConnection, sql: string) {
    const s = original.call(this, sql);
    return new Proxy(s, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function' || !['run', 'get', 'all'].includes(String(prop))) return v;
        return (...args: unknown[]) => {
          const t0 = process.hrtime.bigint();
          try {
            return v.apply(target, args);
          } finally {
            if (counting) {
              const e = stats.get(sql) ?? { calls: 0, ns: 0n };
              e.calls++;
              e.ns += process.hrtime.bigint() - t0;
              stats.set(sql, e);
            }
          }
        };
      },
    });
  };

// COMMIT, prepared by the write queue itself, timed apart: its cost is the WAL frames of every page the group wrote.
const commits = { calls: 0, ns: 0n };
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: Database.Database, sql: string) {
  const s = prepare.call(this, sql);
  if (sql !== 'COMMIT') return s;
  const run = s.run.bind(s) as (...args: unknown[]) => Database.RunResult;
  s.run = (...args: unknown[]) => {
    const t0 = process.hrtime.bigint();
    try {
      return run(...args);
    } finally {
      if (counting) {
        commits.calls++;
        commits.ns += process.hrtime.bigint() - t0;
      }
    }
  };
  return s;
} as typeof prepare;

const settings = {
  ...loadSettings({
    env: {
      REVERIFY_LOG_LEVEL: 'warn',
      REVERIFY_RESEND_COOLDOWN: '0',
      REVERIFY_RESEND_MAX_PER_DAY: '0',
      REVERIFY_ACCOUNT_MAX_PER_HOUR: '0',
      REVERIFY_IP_MAX_PER_HOUR: '0',
    },
  }),
  databaseUrl: `sqlite:${join(dir, 'probe.db')}`,
  adminToken: 'probe-admin-token-0123456789',
  secretKey: 'probe-secret-key-0123456789abcdef0123456789',
};
const rt = await createRuntime(settings);
const app = await buildApp(rt);
const verifications = Number(process.env.PROBE_VERIFICATIONS ?? 500);
const ids: string[] = [];
if (process.env.PROBE_STORED) {
  // The bench's growth case: PROBE_STORED verifications inserted in bulk, resends spread over a sample.
  const { seedScenario } = await import('../servers/seed-reverify.js');
  ids.push(...((await seedScenario(rt, 'growth', verifications, Number(process.env.PROBE_STORED))).ids as string[]));
} else
  for (let i = 0; i < verifications; i++)
    ids.push((await rt.verifications.create(OPERATOR, { recipient: `r${i}@probe.example`, purpose: 'email_ownership' })).id);
if (process.env.PROBE_COURIER === 'on') rt.startBackground();
counting = true;
const t0 = performance.now();
const window = Number(process.env.PROBE_WINDOW ?? 0);
let windowStart = t0;
let answered = 0;
const width = 50;
let next = 0;
await Promise.all(
  Array.from({ length: width }, async () => {
    while (next < N) {
      const n = next++;
      const id = ids[process.env.PROBE_RANDOM === '1' ? Math.floor(Math.random() * ids.length) : n % ids.length];
      const r = await app.inject({
        method: 'POST',
        url: `/v1/verifications/${id}/resend`,
        headers: { authorization: `Bearer ${settings.adminToken}` },
      });
      if (r.statusCode >= 300) throw new Error(`${r.statusCode} ${r.body}`);
      if (window > 0 && ++answered % window === 0) {
        const now = performance.now();
        console.log(`resends ${answered - window + 1}-${answered}: ${((window / (now - windowStart)) * 1000).toFixed(0)}/s`);
        windowStart = now;
      }
    }
  }),
);
const ms = performance.now() - t0;
counting = false;
const rows = [...stats].sort((a, b) => Number(b[1].ns - a[1].ns));
let total = 0n;
for (const [, e] of rows) total += e.ns;
console.log(`${N} resends in ${ms.toFixed(0)} ms (${((N / ms) * 1000).toFixed(0)}/s in-process); SQL ${Number(total / 1_000_000n)} ms`);
console.log(
  `COMMIT: ${commits.calls} groups of ${(N / Math.max(1, commits.calls)).toFixed(1)} resends, ${(Number(commits.ns) / 1000 / N).toFixed(1)} µs/req`,
);
for (const [sql, e] of rows)
  console.log(
    `${(e.calls / N).toFixed(2).padStart(6)}/req ${(Number(e.ns) / 1000 / N).toFixed(1).padStart(6)} µs/req  ${sql.replace(/\s+/g, ' ').slice(0, 150)}`,
  );
await app.close();
await rt.close();
