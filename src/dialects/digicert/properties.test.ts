import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTables } from '../../../test/helpers/db.js';
import { ManualClock, startService, type TestService } from '../../../test/helpers/service.js';
import { seedFixture } from '../../fixtures/load-fixtures.js';

const KEY = 'DC0123456789ABCDEF0123456789ABCD';

const entry = fc.record(
  {
    domain: fc.oneof(
      fc.constantFrom('example.com', 'www.example.com', 'other.example'),
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.constant(null),
    ),
    email: fc.oneof(fc.constantFrom('admin@example.com', 'someone@example.com', 'x@y'), fc.string({ maxLength: 30 }), fc.boolean()),
    email_domain: fc.oneof(fc.constantFrom('example.com', 'com'), fc.string({ maxLength: 10 })),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc
    .record(
      {
        domain_approval_emails: fc.oneof(fc.array(entry, { maxLength: 4 }), fc.jsonValue()),
        locale: fc.oneof(fc.constantFrom('en', 'de', 'zh_CN'), fc.string({ maxLength: 6 })),
      },
      { requiredKeys: [] },
    )
    .map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
);

const headers = fc.record(
  {
    'x-dc-devkey': fc.oneof(fc.constant(KEY), fc.string({ maxLength: 40 })),
    'content-type': fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
  },
  { requiredKeys: [] },
);

describe('DigiCert under arbitrary JSON bodies and headers (property)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService({ resendCooldown: 0 }, { courier: false, clock: new ManualClock() });
    await seedFixture(svc.rt, {
      accounts: [{ name: 'acme', apiKeys: [{ key: KEY, role: 0 }] }],
      orders: [
        { account: 'acme', type: 'ssl', orderNumber: 1234567, domains: ['example.com', 'www.example.com'], dcvEmail: 'admin@example.com' },
      ],
      dns: { 'example.com': { txtContacts: ['someone@example.com'], caaContacts: [] } },
    });
  });
  afterAll(async () => svc.close());

  const snapshot = () => {
    return JSON.stringify(readTables(svc.dir, ['verifications', 'tokens', 'messages', 'subjects']));
  };

  it('never a 5xx, always 204 or the errors envelope, no change unless 204', async () => {
    await fc.assert(
      fc.asyncProperty(body, headers, fc.constantFrom('1234567', '999', 'abc'), async (b, h, orderId) => {
        const before = snapshot();
        const res = await fetch(`${svc.url}/services/v2/order/certificate/${orderId}/resend-emails`, {
          method: 'PUT',
          headers: h,
          body: b,
        });
        const text = await res.text();
        expect(res.status).toBeLessThan(500);
        if (res.status === 204) {
          expect(text).toBe('');
          return;
        }
        const parsed = JSON.parse(text);
        expect(Object.keys(parsed)).toEqual(['errors']);
        expect(parsed.errors.length).toBeGreaterThan(0);
        for (const e of parsed.errors) expect(Object.keys(e)).toEqual(['code', 'message']);
        expect(snapshot()).toBe(before);
      }),
      { numRuns: 150 },
    );
  });
});
