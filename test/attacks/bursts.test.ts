import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFixture } from '../../src/fixtures/load-fixtures.js';
import { signedRequest } from '../helpers/alibaba.js';
import { login, sectigo, sectigoFixture } from '../helpers/sectigo-fixture.js';
import { startService, type TestService } from '../helpers/service.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { outboxSettled, tally } from './helpers.js';

/** Concurrent resends of one thing: one send, the rest the dialect's own quota answer, never a 5xx. */
describe('concurrent resends of one order or address', () => {
  let sink: SmtpSink;
  let svc: TestService;
  const logged: string[] = [];
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    // The fixture's first sends start the cooldown; it is lifted by clearing the charges below.
    svc = await startService({ smtpUrl: sink.url, resendCooldown: 60 });
    await seedFixture(svc.rt, {
      ...sectigoFixture,
      accounts: sectigoFixture.accounts.map((a) =>
        a.name === 'acme'
          ? {
              ...a,
              apiKeys: [{ key: 'acme-digicert-key-0123456789', role: 0 }],
              accessKeys: [{ id: 'LTAI5tAcmeExample01', secret: 'acmeAccessSecret0123456789' }],
            }
          : a,
      ),
      emailVerifications: [{ account: 'acme', email: 'identity@example.net', state: 'pending' }],
    });
    await outboxSettled(svc);
    svc.rt.logger.error = ((obj: unknown) => logged.push(JSON.stringify(obj))) as never;
  });
  afterAll(async () => {
    await svc.close();
    await sink.stop();
  });

  const clearCooldowns = () => svc.rt.store.quotas.prune(Date.now() + 1, Date.now() + 1);

  it('DigiCert: 50 resend-emails at once on one order: one 204, 49 x 429 request_limit_exceeded with Retry-After', async () => {
    await clearCooldowns();
    const sent = sink.mails.length;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${svc.url}/services/v2/order/certificate/1234567/resend-emails`, {
          method: 'PUT',
          headers: { 'x-dc-devkey': 'acme-digicert-key-0123456789', 'content-type': 'application/json' },
        }).then(async (r) => ({ status: r.status, retry: r.headers.get('retry-after'), body: await r.text() })),
      ),
    );
    expect(tally(answers.map((a) => a.status))).toEqual({ 204: 1, 429: 49 });
    for (const a of answers.filter((x) => x.status === 429)) {
      expect(JSON.parse(a.body).errors[0].code).toBe('request_limit_exceeded');
      expect(Number(a.retry)).toBeGreaterThan(0);
    }
    await outboxSettled(svc);
    expect(sink.mails.length - sent).toBe(1);
  });

  it('Sectigo: 100 !ResendDCVEmail at once: one errorCode=0, the rest -42', async () => {
    // The password's first check is the slow hash, bounded per client; once verified it is a fast one.
    expect((await sectigo(svc, 'GetDCVEmailAddressList', { ...login, domainName: 'example.com' })).body).toMatch(/^0\n/);
    await clearCooldowns();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => sectigo(svc, 'ResendDCVEmail', { ...login, orderNumber: '1234567' })),
    );
    expect(tally(answers.map((a) => (a.body === 'errorCode=0' ? 0 : Number(/errorCode=(-\d+)/.exec(a.body)?.[1]))))).toEqual({
      0: 1,
      '-42': 99,
    });
  });

  it('Alibaba: 30 ResendEmailVerification at once for one address: one Success, the rest SendTokenQuotaExceeded', async () => {
    await clearCooldowns();
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        signedRequest(svc.url, { Action: 'ResendEmailVerification', Email: 'identity@example.net' }).then((r) => r.text()),
      ),
    );
    const codes = answers.map((a) => (a.includes('"Code":"Success"') ? 'Success' : a.includes('SendTokenQuotaExceeded') ? 'quota' : a));
    expect(tally(codes as never)).toEqual({ Success: 1, quota: 29 });
  });

  it('native: 100 resends of one verification at once: one 202, 99 x 429', async () => {
    const created = await svc.call('POST', '/v1/verifications', { recipient: 'burst@example.com', purpose: 'email_ownership' });
    await clearCooldowns();
    const answers = await Promise.all(Array.from({ length: 100 }, () => svc.call('POST', `/v1/verifications/${created.json.id}/resend`)));
    expect(tally(answers.map((a) => a.status))).toEqual({ 202: 1, 429: 99 });
    expect(logged.filter((l) => l.includes('CONCURRENT'))).toEqual([]);
  });
});
