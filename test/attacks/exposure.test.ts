import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFixture } from '../../src/fixtures/load-fixtures.js';
import { readTables } from '../helpers/db.js';
import { ADMIN_TOKEN, startService, type TestService } from '../helpers/service.js';
import { outboxSettled } from './helpers.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** Everything an anonymous caller can read back, with the Date header left out. */
const anonymousView = async (svc: TestService) => {
  const read = async (path: string) => {
    const r = await fetch(svc.url + path);
    return [path, r.status, [...r.headers].filter(([k]) => k !== 'date'), await r.text()];
  };
  return JSON.stringify([await read('/metrics'), await read('/healthz'), await read('/readyz')]);
};

const akana = (svc: TestService, email: string) =>
  fetch(`${svc.url}/api/users/resendActivation`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `emailAddress=${encodeURIComponent(email)}`,
  });

describe('what strangers can read', () => {
  let svc: TestService;
  const metricsToken = 'metrics-token-0123456789abcdef';
  beforeAll(async () => {
    svc = await startService({ metricsToken, resendCooldown: 0 });
    await seedFixture(svc.rt, {
      users: [
        { emailAddress: 'pending@example.com', state: 'pending_activation' },
        { emailAddress: 'active@example.com', state: 'activated' },
      ],
    });
  });
  afterAll(async () => svc.close());

  it('/metrics needs the metrics or admin token; without one, nothing an address did shows anywhere', async () => {
    const before = await anonymousView(svc);
    for (const email of ['pending@example.com', 'nobody@example.com', 'active@example.com']) {
      expect((await akana(svc, email)).status).toBe(200);
      await svc.rt.requestWorker.drain();
      await outboxSettled(svc);
      expect(await anonymousView(svc)).toBe(before);
    }
    const open = await fetch(`${svc.url}/metrics`);
    expect(open.status).toBe(401);
    expect(await open.text()).not.toMatch(/reverify_/);
    const withMetricsToken = await fetch(`${svc.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(await withMetricsToken.text()).toMatch(/reverify_messages_total\{result="queued"\} [1-9]/);
    expect(await svc.metrics()).toMatch(/reverify_http_requests_total/);
  });

  it('POST /v1/confirm tells the token holder that it worked, and nothing about whose it was', async () => {
    const created = await svc.call('POST', '/v1/verifications', { recipient: 'holder@example.com', purpose: 'email_ownership' });
    await outboxSettled(svc);
    const mail = (await svc.call('GET', '/v1/inbox?to=holder%40example.com')).json.items[0];
    const token = new URL(mail.links[0]).searchParams.get('token');
    const confirmed = await svc.call('POST', '/v1/confirm', { token }, null);
    expect(confirmed.status).toBe(200);
    expect(Object.keys(confirmed.json).sort()).toEqual(['confirmed_at', 'purpose', 'state']);
    expect(confirmed.text).not.toContain('holder@example.com');
    expect(confirmed.text).not.toContain(created.json.id);
  });

  it('pages carry a CSP, frame-ancestors none, nosniff and no-referrer; the vendor APIs keep their own headers', async () => {
    for (const path of ['/verify?token=abcdefghijklmnopqrstuvwxyz', '/docs']) {
      const res = await fetch(svc.url + path);
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect((await akana(svc, 'x@example.com')).headers.get('content-security-policy')).toBeNull();
  });

  it('captured mail is sealed at rest: neither its link nor its words are in the database file', async () => {
    await svc.call('POST', '/v1/verifications', { recipient: 'sealed@example.com', purpose: 'email_ownership' });
    await outboxSettled(svc);
    const mail = (await svc.call('GET', '/v1/inbox?to=sealed%40example.com')).json.items[0];
    const token = new URL(mail.links[0]).searchParams.get('token') ?? '';
    const rows = JSON.stringify(readTables(svc.dir, ['captured_mail']));
    expect(rows).toContain('sealed@example.com');
    expect(rows).not.toContain(token);
    expect(rows).not.toContain(mail.subject);
  });
});

describe('failed authentication', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService();
  });
  afterAll(async () => svc.close());

  it('guessing bearer tokens and DigiCert keys is throttled per client IP; a valid token still works', async () => {
    const bad = await Promise.all(
      Array.from({ length: 40 }, (_, i) => svc.call('GET', '/v1/verifications', undefined, `wrong-token-${i}`)),
    );
    const statuses = bad.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    const keyGuess = await fetch(`${svc.url}/services/v2/order/certificate/1/resend-emails`, {
      method: 'PUT',
      headers: { 'x-dc-devkey': 'x'.repeat(32) },
    });
    expect(keyGuess.status).toBe(429);
    expect((await keyGuess.json()).errors[0].code).toBe('request_limit_exceeded');
    expect((await svc.call('GET', '/v1/verifications', undefined, ADMIN_TOKEN)).status).toBe(200);
  });
});

describe('metrics on a separate listener', () => {
  it('REVERIFY_METRICS_ADDRESS serves /metrics there only, still behind a token', async () => {
    const port = await freePort();
    const { startServer } = await import('../../src/http/server.js');
    const svc = await startService({ metricsAddress: `127.0.0.1:${port}` });
    const server = await startServer({ ...svc.rt, settings: { ...svc.rt.settings, port: 0 } });
    try {
      expect((await fetch(`${svc.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      const ok = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(await ok.text()).toMatch(/reverify_http_requests_total|reverify_process/);
    } finally {
      await server.close();
      await svc.close();
    }
  });
});
