import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../../../test/helpers/service.js';
import { seedFixture } from '../../fixtures/load-fixtures.js';

const pending = 'pending.user@example.com';
const addresses = [pending, 'done.user@example.com', 'stranger@example.com', 'PENDING.USER@example.com', 'x@y', ''];

const field = fc.tuple(
  fc.constantFrom('emailAddress', 'EmailAddress', 'signupCode', 'FirstName', 'x'),
  fc.oneof(fc.constantFrom(...addresses), fc.string({ maxLength: 40 })),
);
const body = fc.oneof(
  fc.array(field, { maxLength: 4 }).map((fs) => new URLSearchParams(fs).toString()),
  fc
    .dictionary(
      fc.constantFrom('EmailAddress', 'FirstName', 'Password', 'SignupCode'),
      fc.oneof(fc.constantFrom(...addresses), fc.string({ maxLength: 20 }), fc.integer()),
    )
    .map((o) => JSON.stringify(o)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
);
const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=UTF-8',
      'application/json',
      'text/plain',
      'application/vnd.soa.v80+json',
    ),
    accept: fc.constantFrom('*/*', 'application/json', 'text/html', 'application/vnd.soa.v72+json', 'image/*'),
  },
  { requiredKeys: [] },
);

describe('Akana under arbitrary input (property)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService({ resendCooldown: 0, resendMaxPerDay: 1000 }, { courier: false });
    await seedFixture(svc.rt, {
      users: [
        { emailAddress: pending, state: 'pending_activation' },
        { emailAddress: 'done.user@example.com', state: 'activated' },
      ],
    });
  });
  afterAll(async () => svc.close());

  it('never a 5xx, and never a mail to an address that is not a pending sign-up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('resendActivation', 'verifySignup', 'completeSignup'),
        fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
        body,
        headers,
        async (path, method, b, h) => {
          const res = await fetch(`${svc.url}/api/users/${path}`, { method, headers: h, body: method === 'GET' ? undefined : b });
          const text = await res.text();
          expect(res.status).toBeLessThan(500);
          if (res.status !== 200) expect(Object.keys(JSON.parse(text))).toEqual(['code', 'message']);
          else expect(text).toBe('');
        },
      ),
      { numRuns: 200 },
    );
    // Background work has had its turn; every message went to the pending address.
    await svc.rt.requestWorker.drain();
    const recipients = new Set((await svc.rt.store.messages.listMessages({ limit: 100 })).items.map((m) => m.recipient.toLowerCase()));
    for (const r of recipients) expect(r).toBe(pending);
  });
});
