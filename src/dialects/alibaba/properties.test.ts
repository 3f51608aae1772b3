import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, signedRequest } from '../../../test/helpers/alibaba.js';
import { startService, type TestService } from '../../../test/helpers/service.js';
import { seedFixture } from '../../fixtures/load-fixtures.js';

const names = [
  'Action',
  'Format',
  'Version',
  'AccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureNonce',
  'SignatureVersion',
  'Timestamp',
  'Email',
  'Lang',
  'UserClientIp',
  'Token',
  'PageSize',
  'PageNum',
];
const values = [
  'ResendEmailVerification',
  'QueryEmailVerification',
  'JSON',
  'XML',
  '2018-01-29',
  ACCESS_KEY.id,
  'HMAC-SHA1',
  '1.0',
  'a@example.org',
  'zh',
  '0',
  '5001',
];
const params = fc.dictionary(
  fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 10 })),
  fc.oneof(fc.constantFrom(...values), fc.string({ maxLength: 30 })),
  {
    maxKeys: 10,
  },
);

describe('Alibaba under arbitrary parameter sets (property)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService({ resendCooldown: 0 }, { courier: false });
    await seedFixture(svc.rt, { accounts: [{ name: 'acme', accessKeys: [{ id: ACCESS_KEY.id, secret: ACCESS_KEY.secret }] }] });
  });
  afterAll(async () => svc.close());

  const inEnvelope = (contentType: string, text: string) => {
    const body = contentType.startsWith('application/json') ? JSON.parse(text) : new XMLParser().parse(text).Error;
    expect(Object.keys(body)).toEqual(['RequestId', 'HostId', 'Code', 'Message']);
    expect(body.Code).toMatch(/^[A-Za-z.]+$/);
  };

  it('unsigned: never a 5xx, always the Error envelope', async () => {
    await fc.assert(
      fc.asyncProperty(params, fc.constantFrom('GET', 'POST'), async (p, method) => {
        const query = new URLSearchParams(p).toString();
        const res =
          method === 'GET'
            ? await fetch(`${svc.url}/?${query}`)
            : await fetch(`${svc.url}/`, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: query });
        const text = await res.text();
        expect(res.status).toBeLessThan(500);
        if (res.status !== 200) inEnvelope(res.headers.get('content-type') ?? '', text);
      }),
      { numRuns: 150 },
    );
  });

  it('signed with arbitrary parameters: never a 5xx; any error is in the envelope', async () => {
    await fc.assert(
      fc.asyncProperty(params, fc.constantFrom('GET', 'POST') as fc.Arbitrary<'GET' | 'POST'>, async (p, method) => {
        const res = await signedRequest(svc.url, { Action: 'ResendEmailVerification', ...p }, { method });
        const text = await res.text();
        expect(res.status).toBeLessThan(500);
        if (res.status !== 200) inEnvelope(res.headers.get('content-type') ?? '', text);
      }),
      { numRuns: 150 },
    );
  });
});
