import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../src/config/load.js';
import { OPERATOR } from '../../src/core/access/permissions.js';
import { buildApp } from '../../src/http/app.js';
import { createRuntime } from '../../src/runtime/create-runtime.js';
import { reportPeakRss } from './peak-rss.js';

/** Reverify as it runs: SQLite file in WAL, capture transport, courier delivering while requests arrive. */
const dir = mkdtempSync(join(tmpdir(), 'reverify-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const settings = {
  ...loadSettings({ env: process.env }),
  databaseUrl: `sqlite:${join(dir, 'reverify.db')}`,
  adminToken: 'bench-admin-token-0123456789',
  secretKey: 'bench-secret-key-0123456789abcdef0123456789',
  logLevel: 'warn',
  resendCooldown: 0,
  resendMaxPerDay: 0,
  accountMaxPerHour: 0,
  ipMaxPerHour: 0,
};
const rt = await createRuntime(settings);
const app = await buildApp(rt);
const ids: string[] = [];
for (let i = 0; i < 1000; i++)
  ids.push((await rt.verifications.create(OPERATOR, { recipient: `bench${i}@example.com`, purpose: 'email_ownership' })).id);
if (process.env.BENCH_COURIER !== 'off') rt.startBackground();
reportPeakRss();
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.send?.({ ready: true, port: typeof address === 'object' && address ? address.port : 0, ids });
