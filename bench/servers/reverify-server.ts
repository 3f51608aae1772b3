import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadSettings } from '../../src/config/load.js';
import { buildApp } from '../../src/http/app.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { reportPeakRss } from './peak-rss.js';
import { seedScenario } from './seed-reverify.js';
import { seedCount } from './server-kit.js';

/**
 * Reverify as it runs: its own SQLite file (WAL), every dialect mounted, the courier delivering to
 * the capture transport in the same process (`BENCH_COURIER=off` leaves it out; REVERIFY_SMTP_URL
 * sends to a real SMTP server instead). Settings come from REVERIFY_* variables; quotas default to
 * off here so that every request sends. `BENCH_SCENARIO` picks what is seeded (seed-reverify.ts);
 * `fill` only queues messages (no courier), and `delivery` starts the courier on them when the
 * parent says 'start-courier'.
 */
const scenario = process.env.BENCH_SCENARIO ?? 'native';
// BENCH_DATA_DIR: a directory the parent owns and shares between two servers (fill, then deliver).
const shared = process.env.BENCH_DATA_DIR;
const dir = shared ?? mkdtempSync(join(tmpdir(), 'reverify-bench-'));
if (!shared) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const quotasOff = {
  REVERIFY_RESEND_COOLDOWN: '0',
  REVERIFY_RESEND_MAX_PER_DAY: '0',
  REVERIFY_ACCOUNT_MAX_PER_HOUR: '0',
  REVERIFY_IP_MAX_PER_HOUR: '0',
  REVERIFY_ANONYMOUS_PER_MINUTE: '0',
};
const settings = {
  ...loadSettings({ env: { REVERIFY_LOG_LEVEL: 'warn', ...quotasOff, ...process.env } }),
  databaseUrl: process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'reverify.db')}`,
  adminToken: 'bench-admin-token-0123456789',
  secretKey: 'bench-secret-key-0123456789abcdef0123456789',
};
const rt = await createRuntime(settings).catch((e: Error) => {
  // A refused setting (a database URL not supported yet): the parent reports it instead of crashing.
  process.send?.({ startFailed: e.message }, () => process.exit(1));
  return new Promise<never>(() => {});
});
const app = await buildApp(rt);
const seeded = await seedScenario(rt, scenario, seedCount('BENCH_SEED', 1000), seedCount('BENCH_STORED', 10_000));

// Through the outbox port, so that the count works on any store.
const depth = async () => Object.entries(await rt.store.messages.queueDepth());
const messages = async () => (await depth()).reduce((sum, [, n]) => sum + n, 0);
const backlog = async () =>
  (await depth()).reduce((sum, [status, n]) => sum + (['queued', 'sending', 'deferred'].includes(status) ? n : 0), 0);

if (scenario === 'delivery') {
  process.on('message', (msg) => {
    if (msg === 'start-courier') rt.courier.start();
  });
} else if (scenario !== 'fill' && process.env.BENCH_COURIER !== 'off') {
  // The seeding queued one message per subject: deliver them now so the measurement starts with an empty outbox.
  rt.startBackground();
  for (const deadline = Date.now() + 120_000; (await backlog()) > 0 && Date.now() < deadline; ) await sleep(50);
}

// Work done: outbox rows, after the off-path work (Akana) queued so far has run.
reportPeakRss(async () => {
  await Promise.race([rt.requestWorker.drain(), sleep(10_000)]);
  return messages();
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.send?.({
  ready: true,
  port: typeof address === 'object' && address ? address.port : 0,
  scenario,
  queued: await messages(),
  ...seeded,
});
