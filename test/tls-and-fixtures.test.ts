import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../src/config/load.js';
import { seedFixture } from '../src/fixtures/load-fixtures.js';
import { startServer } from '../src/http/server.js';
import { createRuntime } from '../src/runtime/create-runtime.js';
import { createLogger } from '../src/runtime/logger.js';
import { eventually } from './helpers/eventually.js';
import { sectigoFixture } from './helpers/sectigo-fixture.js';
import { ADMIN_TOKEN } from './helpers/service.js';

const dir = mkdtempSync(join(tmpdir(), 'reverify-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const post = (port: number, path: string, body: string) =>
  new Promise<string>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        rejectUnauthorized: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end(body);
  });

describe('native TLS', () => {
  it('serves HTTPS with the configured certificate; Sectigo then needs no proxy header for its HTTPS rule', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const settings = {
      ...loadSettings({ env: {} }),
      databaseUrl: `sqlite:${join(dir, 'tls.db')}`,
      adminToken: ADMIN_TOKEN,
      secretKey: 'test-secret-key-0123456789abcdef0123456789',
      logLevel: 'silent',
      port: 0,
      tlsCert: cert,
      tlsKey: key,
      requireHttps: true,
      resendCooldown: 0,
    };
    const rt = await createRuntime(settings, { logger: createLogger('silent') });
    await seedFixture(rt, sectigoFixture);
    const app = await startServer(rt);
    try {
      const port = (app.app.server.address() as { port: number }).port;
      const form = new URLSearchParams({ loginName: 'login_name', loginPassword: 'login_password', orderNumber: '1234567' }).toString();
      expect(await post(port, '/products/!ResendDCVEmail', form)).toBe('errorCode=0');
    } finally {
      await app.close();
      await rt.close();
    }
  });
});

describe('reverify start --fixtures', () => {
  it('loads the fixture file before serving, idempotently across restarts', async () => {
    const fixtures = join(dir, 'fixtures.json');
    writeFileSync(fixtures, JSON.stringify({ users: [{ emailAddress: 'boot@example.com' }] }));
    const start = async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'start', '--port', '0', '--fixtures', fixtures], {
        env: {
          ...process.env,
          REVERIFY_DATABASE_URL: `sqlite:${join(dir, 'start.db')}`,
          REVERIFY_ADMIN_TOKEN: ADMIN_TOKEN,
          REVERIFY_SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
          REVERIFY_LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout?.on('data', (c) => {
        out += c;
      });
      const port = await eventually(
        () => Number(/listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? 0),
        (p) => p > 0,
      );
      return { child, url: `http://127.0.0.1:${port}` };
    };
    for (let run = 0; run < 2; run++) {
      const { child, url } = await start();
      try {
        expect((await fetch(`${url}/readyz`)).status).toBe(200);
        const signups = await (await fetch(`${url}/v1/signups`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
        expect(signups.items.map((s: { email_address: string }) => s.email_address)).toEqual(['boot@example.com']);
        const inbox = await eventually(
          async () => (await (await fetch(`${url}/v1/inbox`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()).items,
          (items: unknown[]) => items.length > 0,
        );
        expect(inbox).toHaveLength(1);
      } finally {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
  });
});
