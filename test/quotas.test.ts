import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, startService, type TestService } from './helpers/service.js';

describe('quotas over HTTP', () => {
  let svc: TestService;
  afterEach(async () => svc?.close());

  const create = (recipient: string, account?: string) =>
    svc.call('POST', '/v1/verifications', { recipient, purpose: 'email_ownership', ...(account ? { account } : {}) });

  it('cooldown: a resend within it is 429 with the remaining seconds in Retry-After', async () => {
    const clock = new ManualClock();
    svc = await startService({ resendCooldown: 60 }, { clock, courier: false });
    const v = await create('dana@example.com');
    clock.advance(15_000);
    const refused = await svc.call('POST', `/v1/verifications/${v.json.id}/resend`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('45');
    expect(refused.json.error).toMatchObject({ code: 'QUOTA_EXCEEDED', retry_after_seconds: 45 });
    clock.advance(44_000);
    expect((await svc.call('POST', `/v1/verifications/${v.json.id}/resend`)).headers.get('retry-after')).toBe('1');
    clock.advance(1_000);
    expect((await svc.call('POST', `/v1/verifications/${v.json.id}/resend`)).status).toBe(202);
    const fresh = await svc.call('GET', `/v1/verifications/${v.json.id}`);
    expect(fresh.json.send_count).toBe(2);
  });

  it('daily ceiling per recipient: the send after the limit waits until the oldest leaves the 24 h window', async () => {
    const clock = new ManualClock();
    svc = await startService({ resendCooldown: 0, resendMaxPerDay: 3 }, { clock, courier: false });
    const v = await create('erin@example.com');
    clock.advance(3600_000);
    expect((await svc.call('POST', `/v1/verifications/${v.json.id}/resend`)).status).toBe(202);
    clock.advance(3600_000);
    expect((await svc.call('POST', `/v1/verifications/${v.json.id}/resend`)).status).toBe(202);
    clock.advance(1000);
    const refused = await svc.call('POST', `/v1/verifications/${v.json.id}/resend`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBe(24 * 3600 - 2 * 3600 - 1);
    // A second verification to the same recipient shares the ceiling.
    const other = await create('erin@example.com');
    expect(other.status).toBe(429);
    const refusal = (await svc.rt.store.audit.listEvents({ limit: 10 })).find((e) => e.type === 'quota.refused');
    expect(refusal?.detail).toMatchObject({ rule: 'recipient_daily' });
    const metrics = await svc.metrics();
    expect(metrics).toMatch(/reverify_quota_refusals_total\{rule="recipient_daily"\} 2/);
  });

  it('hourly ceiling per account', async () => {
    const clock = new ManualClock();
    svc = await startService({ resendCooldown: 0, accountMaxPerHour: 2 }, { clock, courier: false });
    expect((await svc.call('POST', '/v1/accounts', { name: 'acme' })).status).toBe(201);
    expect((await create('a1@example.com', 'acme')).status).toBe(201);
    clock.advance(600_000);
    expect((await create('a2@example.com', 'acme')).status).toBe(201);
    clock.advance(60_000);
    const refused = await create('a3@example.com', 'acme');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe(String(3600 - 660));
    // Another account is not affected, and nothing was stored for the refused request.
    expect((await create('a3@example.com')).status).toBe(201);
    const listed = await svc.call('GET', '/v1/verifications?recipient=a3@example.com');
    expect(listed.json.items).toHaveLength(1);
    expect(listed.json.items[0].account_id).toBeNull();
  });
});
