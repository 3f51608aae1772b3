import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTables } from '../../../test/helpers/db.js';
import { login, sectigo, seedSectigo } from '../../../test/helpers/sectigo-fixture.js';
import { ManualClock, startService, type TestService } from '../../../test/helpers/service.js';

const names = [
  'loginName',
  'loginPassword',
  'orderNumber',
  'baseOrderNumber',
  'emailAddress',
  'dcvEmailAddress',
  'dcvTemplateID',
  'domainName',
  'responseFormat',
];
const goodValues = [
  'login_name',
  'login_password',
  '123456789',
  '1234567',
  '7654321',
  'alice@example.com',
  'admin@example.com',
  '1',
  '2',
  'example.com',
];

const param = fc.tuple(
  fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 })),
  fc.oneof(
    fc.constantFrom(...goodValues),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ minLength: 60, maxLength: 400 }),
  ),
);

const body = fc.oneof(
  fc.array(param, { maxLength: 8 }).map((ps) => new URLSearchParams(ps).toString()),
  fc.array(param, { maxLength: 6 }).map((ps) => new URLSearchParams([...Object.entries(login), ...ps]).toString()),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.string({ maxLength: 300 }),
);

const formats: Record<string, RegExp> = {
  ResendDCVEmail: /^errorCode=(0|-\d+&errorMessage=[^&]+(&errorItem=[^&]*)?)$/,
  ResendVerificationEmailSMIME: /^(0|-\d+\n[^\n]+)$/,
  GetDCVEmailAddressList: /^(0(\n[a-z0-9_]+\t[^\n]+)+|-\d+\n[^\n]+|\{"errorCode":-?\d+.*\})$/s,
};

describe('Sectigo under arbitrary input (property)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService({ resendCooldown: 0 }, { courier: false, clock: new ManualClock() });
    await seedSectigo(svc);
  });
  afterAll(async () => svc.close());

  /** What a request could change: verifications, tokens, messages and DCV offers. */
  const snapshot = () => {
    return JSON.stringify(readTables(svc.dir, ['verifications', 'tokens', 'messages', 'subjects']));
  };

  for (const endpoint of Object.keys(formats)) {
    it(`${endpoint}: never a 5xx or a stack trace, always the dialect's format, no change unless it succeeded`, async () => {
      await fc.assert(
        fc.asyncProperty(
          body,
          fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', ''),
          async (form, type) => {
            const before = snapshot();
            const r = await sectigo(svc, endpoint, form, { headers: type ? { 'content-type': type } : {} });
            expect(r.status).toBe(200);
            expect(r.body).toMatch(formats[endpoint] as RegExp);
            expect(r.body).not.toMatch(/\bat .+\.(ts|js):\d+|Error:/);
            const succeeded = r.body === '0' || r.body === 'errorCode=0' || r.body.startsWith('0\n') || r.body.startsWith('{"errorCode":0');
            if (!succeeded || endpoint === 'GetDCVEmailAddressList') expect(snapshot()).toBe(before);
          },
        ),
        { numRuns: 120 },
      );
    });
  }
});
