import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { reportPeakRss } from './peak-rss.js';
import { listen, seedCount } from './server-kit.js';

/**
 * The peer: Better Auth as a TypeScript team would set it up for sign-up with required email
 * verification. SQLite through better-sqlite3 (Better Auth's own Kysely dialect for it), email and
 * password, `sendVerificationEmail` only counting its calls, the rate limiter off, telemetry off.
 * `BENCH_FLOOR=removed` loads the module hook that takes the 500 ms enumeration floor out of
 * `POST /api/auth/send-verification-email` (see better-auth-no-floor-hook.mjs).
 */
if (process.env.BENCH_FLOOR === 'removed') register('./better-auth-no-floor-hook.mjs', import.meta.url);
process.env.BETTER_AUTH_TELEMETRY = '0';
const { betterAuth } = await import('better-auth');
const { toNodeHandler } = await import('better-auth/node');
const { getMigrations } = await import('better-auth/db/migration');

const dir = mkdtempSync(join(tmpdir(), 'reverify-bench-better-auth-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const db = new Database(join(dir, 'auth.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');

let sent = 0;
const server = createServer();
const auth = betterAuth({
  database: db,
  secret: 'bench-better-auth-secret-0123456789abcdef',
  baseURL: 'http://127.0.0.1',
  emailAndPassword: { enabled: true, requireEmailVerification: true },
  emailVerification: {
    sendVerificationEmail: async () => {
      sent++;
    },
  },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  logger: { disabled: true },
});
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

// Unverified users, inserted in bulk: every request finds one and calls sendVerificationEmail.
const users = seedCount('BENCH_USERS', 2000);
const emails = Array.from({ length: users }, (_, i) => `user${i}@bench.example`);
const insert = db.prepare(
  'INSERT INTO "user" (id, name, email, emailVerified, image, createdAt, updatedAt) VALUES (?, ?, ?, 0, NULL, ?, ?)',
);
const now = new Date().toISOString();
db.transaction(() => {
  for (const [i, email] of emails.entries()) insert.run(`u${i}`, `User ${i}`, email, now, now);
})();

const handler = toNodeHandler(auth);
server.on('request', (req, res) => void handler(req, res));
reportPeakRss(() => sent);
await listen(server, { emails });
