import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFixture } from '../../src/fixtures/load-fixtures.js';
import { signedRequest } from '../helpers/alibaba.js';
import { startService, type TestService } from '../helpers/service.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { accountWithKey, outboxSettled, tally } from './helpers.js';

/**
 * Issue 9.1: every path that queues a mail passes the same cooldown and ceilings as a resend. A key
 * that may create records must not be a way to mail-bomb an address.
 */
describe('creating records cannot bypass the sending limits', () => {
  let sink: SmtpSink;
  let svc: TestService;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    svc = await startService({ smtpUrl: sink.url, accountMaxPerHour: 5, resendCooldown: 0, resendMaxPerDay: 1000 });
  });
  afterAll(async () => {
    await svc.close();
    await sink.stop();
  });

  const flood = async (key: string, path: string, body: (i: number) => unknown) =>
    tally((await Promise.all(Array.from({ length: 200 }, (_, i) => svc.call('POST', path, body(i), key)))).map((r) => r.status));

  it('200 concurrent orders, identities and sign-ups for one victim, per path: at most the account ceiling of mails', async () => {
    const paths: [string, string, (i: number) => unknown][] = [
      ['orders', '/v1/orders', (i) => ({ type: 'smime', orderNumber: `flood-${i}`, emails: ['victim1@q.example'] })],
      ['identities', '/v1/email-identities', (i) => ({ email: `victim2+${i}@q.example` })],
      ['signups', '/v1/signups', (i) => ({ emailAddress: `victim3+${i}@q.example` })],
    ];
    for (const [name, path, body] of paths) {
      const key = await accountWithKey(svc, `bomber-${name}`);
      const answers = await flood(key, path, body);
      expect(answers).toEqual({ 201: 5, 429: 195 });
    }
    await outboxSettled(svc);
    const byVictim = tally(sink.mails.map((m) => Number(/victim(\d)/.exec(m.to[0] ?? '')?.[1])));
    expect(byVictim).toEqual({ 1: 5, 2: 5, 3: 5 });
  });
});

describe('the cooldown holds across every path to one recipient', () => {
  let sink: SmtpSink;
  let svc: TestService;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    svc = await startService({ smtpUrl: sink.url, resendCooldown: 60 });
    await seedFixture(svc.rt, {
      accounts: [
        {
          name: 'acme',
          apiKeys: [{ key: 'acme-key-0123456789abcdef', role: 0 }],
          accessKeys: [{ id: 'LTAI5tAcmeExample01', secret: 'acmeAccessSecret0123456789' }],
        },
      ],
    });
  });
  afterAll(async () => {
    await svc.close();
    await sink.stop();
  });

  it('orders, identities, sign-ups, verifications and Alibaba submits for one address at once: one mail', async () => {
    const key = 'acme-key-0123456789abcdef';
    const victim = 'target@q.example';
    const attempts = [
      ...Array.from({ length: 10 }, (_, i) =>
        svc.call('POST', '/v1/orders', { type: 'smime', orderNumber: `cd-${i}`, emails: [victim] }, key),
      ),
      svc.call('POST', '/v1/email-identities', { email: victim }, key),
      svc.call('POST', '/v1/signups', { emailAddress: victim }, key),
      ...Array.from({ length: 10 }, () => svc.call('POST', '/v1/verifications', { recipient: victim, purpose: 'email_ownership' }, key)),
      ...Array.from({ length: 5 }, () =>
        signedRequest(svc.url, { Action: 'SubmitEmailVerification', Email: victim }).then((r) => ({ status: r.status })),
      ),
    ];
    const answers = await Promise.all(attempts);
    expect(answers.every((a) => [200, 201, 409, 429].includes(a.status))).toBe(true);
    await outboxSettled(svc);
    expect(sink.mails.filter((m) => m.to.includes(victim))).toHaveLength(1);
  });
});
