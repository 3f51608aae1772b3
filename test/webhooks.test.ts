import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './helpers/eventually.js';
import { ManualClock, startService, type TestService } from './helpers/service.js';
import { SmtpSink } from './helpers/smtp-sink.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';

const allEvents = [
  'verification.created',
  'message.sent',
  'message.deferred',
  'message.failed',
  'message.bounced',
  'verification.confirmed',
  'verification.expired',
  'verification.cancelled',
];

const tokenIn = (text: string) => /\/verify\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';

/** Verifies a delivery with the Standard Webhooks reference code; returns the parsed body. */
const verified = (secret: string, r: { headers: Record<string, unknown>; body: string }) =>
  new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; timestamp: string; data: Record<string, any> };

describe('webhooks', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    // Receivers first: a request they hold ends, so the courier's shutdown need not wait for its timeout.
    for (const c of cleanup.splice(0)) await c();
  });
  const track = <T extends { stop(): Promise<void> } | { close(): Promise<void> }>(x: T): T => {
    cleanup.push(() => ('stop' in x ? x.stop() : x.close()));
    return x;
  };

  const serviceWithAccount = async (overrides: Parameters<typeof startService>[0] = {}) => {
    const svc = await startService({ sandbox: true, resendCooldown: 0, ...overrides });
    cleanup.push(() => svc.close());
    expect((await svc.call('POST', '/v1/accounts', { name: 'acme' })).status).toBe(201);
    return svc;
  };

  const register = async (svc: TestService, url: string, events = allEvents, account = 'acme') => {
    const created = await svc.call('POST', '/v1/webhooks', { url, events, account });
    expect(created.status).toBe(201);
    expect(created.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    return created.json as { id: string; secret: string };
  };

  it("a receiver gets every event of a verification's life in order, each signed as Standard Webhooks says", async () => {
    const sink = track(await new SmtpSink((n) => (n === 1 ? { code: 451, message: 'greylisted' } : 'accept')).start());
    const receiver = track(await new WebhookReceiver().start());
    const svc = await serviceWithAccount({ smtpUrl: sink.url });
    const hook = await register(svc, receiver.url);
    // The secret is answered once: reading the endpoint never shows it.
    const read = await svc.call('GET', `/v1/webhooks/${hook.id}`);
    expect(read.json).toMatchObject({ id: hook.id, url: receiver.url, events: allEvents });
    expect(read.text).not.toContain(hook.secret.slice(6));

    const created = await svc.call('POST', '/v1/verifications', {
      recipient: 'life@example.com',
      purpose: 'email_ownership',
      account: 'acme',
    });
    const [mail] = await sink.waitForMails(1);
    await receiver.waitFor(3);
    expect((await svc.call('POST', '/v1/confirm', { token: tokenIn(mail?.text ?? '') }, null)).status).toBe(200);
    const all = await receiver.waitFor(4);

    const bodies = all.map((r) => verified(hook.secret, r));
    expect(bodies.map((b) => b.type)).toEqual(['verification.created', 'message.deferred', 'message.sent', 'verification.confirmed']);
    for (const b of bodies) expect(b.data.verification_id).toBe(created.json.id);
    expect(bodies[1]?.data.error).toContain('451');
    expect(bodies[2]?.data).toMatchObject({ recipient: 'life@example.com', attempt: 2 });
    expect(bodies[3]?.data).toMatchObject({ state: 'confirmed', recipient: 'life@example.com' });
    expect(JSON.stringify(bodies)).not.toMatch(/token=/);
    // A wrong secret or a changed body does not verify.
    expect(() => verified(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, all[0]!)).toThrow();
    expect(() => verified(hook.secret, { ...all[0]!, body: all[0]!.body.replace('life', 'evil') })).toThrow();
    // Each event has its own id; the signature's timestamp is the attempt's.
    expect(new Set(all.map((r) => r.headers['webhook-id'])).size).toBe(4);
    expect(all.every((r) => Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000) < 300)).toBe(true);
  });

  it('a receiver answering 500 twice sees the same message retried, and the attempts are visible', async () => {
    const receiver = track(await new WebhookReceiver((n) => (n <= 2 ? 500 : 204)).start());
    const svc = await serviceWithAccount();
    const hook = await register(svc, receiver.url, ['verification.created']);
    await svc.call('POST', '/v1/verifications', { recipient: 'retry@example.com', purpose: 'email_ownership', account: 'acme' });
    const tries = await receiver.waitFor(3);
    expect(new Set(tries.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(new Set(tries.map((r) => r.body)).size).toBe(1);
    for (const r of tries) expect(verified(hook.secret, r).type).toBe('verification.created');
    const deliveries = await svc.call('GET', `/v1/webhooks/${hook.id}/deliveries`);
    const id = deliveries.json.items[0].id;
    const delivery = await eventually(
      async () => (await svc.call('GET', `/v1/messages/${id}`)).json,
      (m) => m.status === 'sent',
    );
    expect(delivery).toMatchObject({ channel: 'webhook', event: 'verification.created', attempts: 3, last_error: null });
    expect(delivery.attempt_log.map((a: { result: string }) => a.result)).toEqual(['deferred', 'deferred', 'sent']);
    expect(delivery.attempt_log[0].response).toBe('HTTP 500: status 500');
    expect(delivery.response).toBe('HTTP 204');
    expect(await svc.metrics()).toMatch(new RegExp(`reverify_webhook_endpoint_failures_total\\{endpoint="${hook.id}"\\} 2`));
    expect(await svc.metrics()).toMatch(/reverify_deliveries_total\{channel="webhook",result="sent"\} 1/);
  });

  it("a receiver that never answers slows no resend down and no other endpoint's deliveries", async () => {
    const silent = track(await new WebhookReceiver(() => 'hang').start());
    const healthy = track(await new WebhookReceiver().start());
    const svc = await serviceWithAccount({ webhookTimeout: 60 });
    await register(svc, silent.url, ['verification.created', 'message.sent']);
    const hook = await register(svc, healthy.url, ['verification.created', 'message.sent']);
    const created = await svc.call('POST', '/v1/verifications', {
      recipient: 'busy@example.com',
      purpose: 'email_ownership',
      account: 'acme',
    });
    await eventually(
      () => silent.holding,
      (n) => n === 1,
    );
    for (let i = 0; i < 3; i++) {
      const resent = await svc.call('POST', `/v1/verifications/${created.json.id}/resend`);
      expect(resent.status).toBe(202);
    }
    // The healthy endpoint gets the creation and all four sends, while the silent one still holds its first request.
    const got = await healthy.waitFor(5);
    expect(got.map((r) => verified(hook.secret, r).type).sort()).toEqual([
      'message.sent',
      'message.sent',
      'message.sent',
      'message.sent',
      'verification.created',
    ]);
    expect(silent.received).toHaveLength(1);
    expect(silent.holding).toBe(1);
  });

  it('a redirect is not followed: the target gets nothing and the delivery fails saying why', async () => {
    const target = track(await new WebhookReceiver().start());
    const redirector = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(307, { location: target.url }).end('moved'));
    });
    redirector.listen(0, '127.0.0.1');
    await once(redirector, 'listening');
    cleanup.push(() => new Promise<void>((resolve) => redirector.close(() => resolve())));
    const svc = await serviceWithAccount();
    const url = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hooks`;
    const hook = await register(svc, url, ['verification.created']);
    await svc.call('POST', '/v1/verifications', { recipient: 'moved@example.com', purpose: 'email_ownership', account: 'acme' });
    const deliveries = await eventually(
      async () => (await svc.call('GET', `/v1/webhooks/${hook.id}/deliveries`)).json.items,
      (items: { id: string; status: string }[]) => items.length === 1 && items[0]?.status === 'failed',
    );
    const delivery = (await svc.call('GET', `/v1/messages/${deliveries[0]?.id}`)).json;
    // Retried as any answer other than 2xx is, and never followed.
    expect(delivery.last_error).toMatch(/^abandoned after \d+ attempts: HTTP 307: moved \(redirects are not followed\)$/);
    expect(target.received).toEqual([]);
  });

  it('a failed send, a cancellation and an expiry are announced too', async () => {
    const sink = track(await new SmtpSink(() => ({ code: 550, message: 'no such user' })).start());
    const receiver = track(await new WebhookReceiver().start());
    const clock = new ManualClock(Date.now());
    const svc = await startService({ sandbox: true, smtpUrl: sink.url, tokenTtl: 60 }, { clock });
    cleanup.push(() => svc.close());
    await svc.call('POST', '/v1/accounts', { name: 'acme' });
    const hook = await register(svc, receiver.url, ['message.failed', 'verification.cancelled', 'verification.expired']);
    const one = await svc.call('POST', '/v1/verifications', { recipient: 'gone@example.com', purpose: 'email_ownership', account: 'acme' });
    const two = await svc.call('POST', '/v1/verifications', { recipient: 'two@example.com', purpose: 'email_ownership', account: 'acme' });
    await receiver.waitFor(2);
    expect((await svc.call('POST', `/v1/verifications/${one.json.id}/cancel`)).status).toBe(200);
    await receiver.waitFor(3);
    clock.advance(61_000);
    expect(await svc.rt.verifications.expireDue()).toBe(1);
    const all = (await receiver.waitFor(4)).map((r) => verified(hook.secret, r));
    expect(all.map((b) => b.type)).toEqual(['message.failed', 'message.failed', 'verification.cancelled', 'verification.expired']);
    expect(all[0]?.data).toMatchObject({ abandoned: false, error: expect.stringContaining('550') });
    expect(all[2]?.data).toMatchObject({ verification_id: one.json.id, state: 'cancelled' });
    expect(all[3]?.data).toMatchObject({ verification_id: two.json.id, state: 'expired' });
  });

  it('a deleted endpoint is sent nothing more; other accounts never see an endpoint', async () => {
    const receiver = track(await new WebhookReceiver().start());
    const svc = await serviceWithAccount();
    await svc.call('POST', '/v1/accounts', { name: 'globex' });
    const hook = await register(svc, receiver.url, ['verification.created']);
    const key = (await svc.call('POST', '/v1/accounts/globex/keys', { role: 0 })).json.key;
    expect((await svc.call('GET', `/v1/webhooks/${hook.id}`, undefined, key)).status).toBe(404);
    expect((await svc.call('DELETE', `/v1/webhooks/${hook.id}`, undefined, key)).status).toBe(404);
    expect((await svc.call('GET', '/v1/webhooks', undefined, key)).json.items).toEqual([]);
    expect((await svc.call('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
    expect((await svc.call('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(404);
    await svc.call('POST', '/v1/verifications', { recipient: 'after@example.com', purpose: 'email_ownership', account: 'acme' });
    await eventually(
      async () => (await svc.call('GET', '/v1/messages?status=sent')).json.items.length,
      (n) => n === 1,
    );
    expect((await svc.call('GET', '/v1/messages?channel=webhook')).json.items).toEqual([]);
    expect(receiver.received).toEqual([]);
  });
});

describe('webhook endpoints refused', () => {
  let svc: TestService;
  afterEach(async () => svc?.close());

  it.each([
    ['http://10.0.0.1/hook', 'https://'],
    ['https://10.0.0.1/hook', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'private'],
    ['https://[fe80::1]/hook', 'private'],
    ['https://[::ffff:192.168.1.1]/hook', 'private'],
    ['https://user:pw@hooks.example/', 'credentials'],
    ['ftp://hooks.example/', 'https://'],
    ['not a url', 'not valid'],
  ])('%s, in the sandbox too: 400 and nothing stored', async (url, says) => {
    svc = await startService({ sandbox: true });
    await svc.call('POST', '/v1/accounts', { name: 'acme' });
    const res = await svc.call('POST', '/v1/webhooks', { url, events: ['message.sent'], account: 'acme' });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'url' });
    expect(res.json.error.message).toContain(says);
    expect((await svc.call('GET', '/v1/webhooks')).json.items).toEqual([]);
  });

  it('plain http to 127.0.0.1 only in the sandbox; unknown events, no events and read-only keys refused', async () => {
    svc = await startService({ sandbox: false });
    await svc.call('POST', '/v1/accounts', { name: 'acme' });
    const http = await svc.call('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['message.sent'], account: 'acme' });
    expect(http.json.error.message).toBe('The URL must be https://.');
    const unknown = await svc.call('POST', '/v1/webhooks', { url: 'https://hooks.example/', events: ['message.opened'], account: 'acme' });
    expect(unknown.json.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'events' });
    const none = await svc.call('POST', '/v1/webhooks', { url: 'https://hooks.example/', events: [], account: 'acme' });
    expect(none.json.error.field).toBe('events');
    const noAccount = await svc.call('POST', '/v1/webhooks', { url: 'https://hooks.example/', events: ['message.sent'] });
    expect(noAccount.json.error.field).toBe('account');
    const viewer = (await svc.call('POST', '/v1/accounts/acme/keys', { role: 102 })).json.key;
    const forbidden = await svc.call('POST', '/v1/webhooks', { url: 'https://hooks.example/', events: ['message.sent'] }, viewer);
    expect(forbidden.status).toBe(403);
    expect((await svc.call('GET', '/v1/webhooks')).json.items).toEqual([]);
  });

  it('a name that resolves to a loopback address is refused at delivery, on the address connected to', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      svc = await startService({ sandbox: false });
      await svc.call('POST', '/v1/accounts', { name: 'acme' });
      const port = new URL(receiver.url).port;
      const hook = await svc.call('POST', '/v1/webhooks', {
        url: `https://localhost:${port}/hooks`,
        events: ['verification.created'],
        account: 'acme',
      });
      expect(hook.status).toBe(201);
      await svc.call('POST', '/v1/verifications', { recipient: 'ssrf@example.com', purpose: 'email_ownership', account: 'acme' });
      const id = (
        await eventually(
          async () => (await svc.call('GET', `/v1/webhooks/${hook.json.id}/deliveries`)).json.items,
          (items) => items.length === 1,
        )
      )[0].id;
      const delivery = await eventually(
        async () => (await svc.call('GET', `/v1/messages/${id}`)).json,
        (m) => m.status === 'failed',
      );
      expect(delivery).toMatchObject({ attempts: 1, abandoned: false });
      expect(delivery.last_error).toMatch(/^localhost resolves only to addresses such as (127\.0\.0\.1|::1): a private, loopback/);
      expect(receiver.received).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });
});

describe('webhooks in a fixture file', () => {
  it('seed an endpoint with a known secret before the subjects, so their first emails are announced; a bad one is refused whole', async () => {
    const { seedFixture } = await import('../src/fixtures/load-fixtures.js');
    const receiver = await new WebhookReceiver().start();
    const svc = await startService({ sandbox: true });
    try {
      const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
      const bad = { accounts: [{ name: 'acme' }], webhooks: [{ account: 'acme', url: 'http://10.0.0.1/', events: ['message.sent'] }] };
      await expect(seedFixture(svc.rt, bad)).rejects.toThrow(/^webhooks\[0\] \(http:\/\/10\.0\.0\.1\/\): url The URL must be https/);
      expect(await svc.rt.store.accounts.findAccountByName('acme')).toBeNull();
      const fixture = {
        accounts: [{ name: 'acme' }],
        webhooks: [{ account: 'acme', url: receiver.url, events: ['verification.created'], secret }],
        emailVerifications: [{ account: 'acme', email: 'seeded@example.com' }],
      };
      expect(await seedFixture(svc.rt, fixture)).toMatchObject({ accounts: 1, webhooks: 1, subjects: 1 });
      expect(await seedFixture(svc.rt, fixture)).toMatchObject({ webhooks: 0, skipped: 3 });
      const [got] = await receiver.waitFor(1);
      expect(verified(secret, got!).data).toMatchObject({ recipient: 'seeded@example.com', state: 'pending' });
    } finally {
      await receiver.stop();
      await svc.close();
    }
  });
});
