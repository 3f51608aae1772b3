import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTables } from './helpers/db.js';
import { startService, type TestService } from './helpers/service.js';

describe('native API: accounts, keys, tenants, subjects, documents', () => {
  let svc: TestService;
  let keyA: string;
  let keyB: string;
  let viewOnlyA: string;

  beforeAll(async () => {
    svc = await startService({ resendCooldown: 0 }, { courier: false });
    for (const name of ['acme', 'globex']) expect((await svc.call('POST', '/v1/accounts', { name })).status).toBe(201);
    keyA = (await svc.call('POST', '/v1/accounts/acme/keys', { role: 0, label: 'ci' })).json.key;
    keyB = (await svc.call('POST', '/v1/accounts/globex/keys', {})).json.key;
    viewOnlyA = (await svc.call('POST', '/v1/accounts/acme/keys', { role: 102 })).json.key;
  });
  afterAll(async () => svc.close());

  it('keys are shown once and stored hashed', async () => {
    expect(keyA).toMatch(/^rvk_/);
    const listed = await svc.call('GET', '/v1/accounts/acme/keys');
    expect(listed.json.items).toHaveLength(2);
    expect(JSON.stringify(listed.json)).not.toContain(keyA);
    const dump = JSON.stringify(readTables(svc.dir, ['api_keys']));
    expect(dump).not.toContain(keyA);
    expect((await svc.call('POST', '/v1/accounts', { name: 'acme' })).json.error.code).toBe('ACCOUNT_EXISTS');
  });

  it('an account key sees only its own account; another tenant’s records are “not found”', async () => {
    const mine = await svc.call('POST', '/v1/verifications', { recipient: 'a@acme.example', purpose: 'email_ownership' }, keyA);
    expect(mine.status).toBe(201);
    expect(mine.json.account_id).toBe((await svc.call('GET', '/v1/accounts/acme')).json.id);
    const theirs = await svc.call('POST', '/v1/verifications', { recipient: 'b@globex.example', purpose: 'email_ownership' }, keyB);
    expect((await svc.call('GET', `/v1/verifications/${theirs.json.id}`, undefined, keyA)).status).toBe(404);
    expect((await svc.call('POST', `/v1/verifications/${theirs.json.id}/resend`, undefined, keyA)).status).toBe(404);
    expect((await svc.call('POST', `/v1/verifications/${theirs.json.id}/cancel`, undefined, keyA)).status).toBe(404);
    const list = await svc.call('GET', '/v1/verifications', undefined, keyA);
    expect(list.json.items.map((v: { id: string }) => v.id)).toEqual([mine.json.id]);
    const naming = await svc.call('POST', '/v1/verifications', { recipient: 'c@acme.example', purpose: 'dcv', account: 'globex' }, keyA);
    expect(naming.json.error.code).toBe('ACCOUNT_NOT_FOUND');
    const messages = await svc.call('GET', '/v1/messages', undefined, keyA);
    expect(messages.json.items.every((m: { account_id: string }) => m.account_id === mine.json.account_id)).toBe(true);
    expect((await svc.call('GET', '/v1/accounts', undefined, keyA)).status).toBe(403);
    expect((await svc.call('GET', `/v1/verifications/${theirs.json.id}`, undefined, keyB)).status).toBe(200);
  });

  it('a view-only key (role 102) reads but cannot write; a revoked key is refused', async () => {
    expect((await svc.call('GET', '/v1/verifications', undefined, viewOnlyA)).status).toBe(200);
    const write = await svc.call('POST', '/v1/verifications', { recipient: 'v@acme.example', purpose: 'dcv' }, viewOnlyA);
    expect(write.status).toBe(403);
    expect(write.json.error.code).toBe('FORBIDDEN');
    const temp = await svc.call('POST', '/v1/accounts/acme/keys', { role: 0 });
    expect((await svc.call('GET', '/v1/verifications', undefined, temp.json.key)).status).toBe(200);
    expect((await svc.call('DELETE', `/v1/accounts/acme/keys/${temp.json.id}`)).status).toBe(204);
    const refused = await svc.call('GET', '/v1/verifications', undefined, temp.json.key);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect((await svc.call('GET', `/v1/accounts/acme/keys/${temp.json.id}`)).json.revoked_at).not.toBeNull();
  });

  it('orders, identities and sign-ups start their verifications as seeding does', async () => {
    const ssl = await svc.call(
      'POST',
      '/v1/orders',
      {
        type: 'ssl',
        orderNumber: 1234567,
        baseOrderNumber: 7654321,
        domains: ['example.com', 'www.example.com'],
        dcvEmail: 'admin@example.com',
      },
      keyA,
    );
    expect(ssl.status).toBe(201);
    expect(ssl.json).toMatchObject({ type: 'ssl', order_number: '1234567', state: 'awaiting_dcv', dcv_email: 'admin@example.com' });
    expect(ssl.json.verifications).toHaveLength(1);
    expect(ssl.json.verifications[0]).toMatchObject({
      purpose: 'dcv',
      recipient: 'admin@example.com',
      scope: ['example.com', 'www.example.com'],
    });
    const smime = await svc.call(
      'POST',
      '/v1/orders',
      { type: 'smime', orderNumber: '123456789', emails: ['alice@example.com', 'alice.backup@example.com'], state: 'issued' },
      keyA,
    );
    expect(smime.json.verifications.map((v: { recipient: string }) => v.recipient)).toEqual([
      'alice@example.com',
      'alice.backup@example.com',
    ]);
    expect(
      (await svc.call('POST', '/v1/orders', { type: 'smime', orderNumber: '123456789', emails: ['x@example.com'] }, keyA)).status,
    ).toBe(409);
    const identity = await svc.call('POST', '/v1/email-identities', { email: 'test1@example.org' }, keyA);
    expect(identity.json).toMatchObject({ email: 'test1@example.org', state: 'pending' });
    const signup = await svc.call('POST', '/v1/signups', { emailAddress: 'jane.saoirse@example.com', firstName: 'Jane' });
    expect(signup.json).toMatchObject({ email_address: 'jane.saoirse@example.com', state: 'pending_activation', first_name: 'Jane' });
    expect((await svc.call('GET', `/v1/orders/${ssl.json.id}`, undefined, keyB)).status).toBe(404);
    expect((await svc.call('GET', `/v1/orders/${ssl.json.id}`, undefined, keyA)).json.verifications).toHaveLength(1);
    expect((await svc.call('GET', '/v1/orders', undefined, keyA)).json.items).toHaveLength(2);
    expect((await svc.call('GET', `/v1/signups/${ssl.json.id}`)).status).toBe(404);
    const bad = await svc.call('POST', '/v1/orders', {
      type: 'ssl',
      orderNumber: 9,
      domains: ['not a domain'],
      dcvEmail: 'admin@example.com',
    });
    expect(bad.json.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'domains' });
  });

  it('serves OpenAPI 3.1 generated from the routes, a reference page, health and metrics', async () => {
    const doc = await svc.call('GET', '/v1/openapi.json', undefined, null);
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toBe('3.1.0');
    expect(Object.keys(doc.json.paths)).toEqual(
      expect.arrayContaining(['/v1/verifications', '/v1/verifications/{id}/resend', '/v1/confirm', '/v1/inbox', '/v1/orders']),
    );
    const docs = await fetch(`${svc.url}/docs`);
    expect(await docs.text()).toContain('href="/docs/api"');
    expect(Object.keys(doc.json.paths).every((p) => p.startsWith('/v1/'))).toBe(true);
    expect((await svc.call('GET', '/healthz', undefined, null)).json).toEqual({ status: 'ok' });
    expect((await svc.call('GET', '/readyz', undefined, null)).json).toEqual({ status: 'ready' });
    const metrics = await svc.metrics();
    expect(metrics).toMatch(/reverify_http_requests_total\{route="\/v1\/verifications",method="POST",status="201"\} \d+/);
    expect(metrics).toMatch(/reverify_queue_depth\{status="queued"\} [1-9]/);
    expect(metrics).toMatch(/reverify_messages_total\{result="queued"\} [1-9]/);
  });
});
