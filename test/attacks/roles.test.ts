import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFixture } from '../../src/fixtures/load-fixtures.js';
import { signedRequest } from '../helpers/alibaba.js';
import { startService, type TestService } from '../helpers/service.js';
import { outboxSettled } from './helpers.js';

const keys = {
  0: 'role-0-key-0123456789ab',
  100: 'role-100-key-0123456789',
  101: 'role-101-key-0123456789',
  102: 'role-102-key-0123456789',
  103: 'role-103-key-0123456789',
} as const;
type Role = keyof typeof keys;

interface Operation {
  name: string;
  permission: 'read' | 'send' | 'manage_subjects' | 'manage_keys' | 'read_mail';
  run(svc: TestService, key: string, n: number): Promise<Response>;
}

const native = (svc: TestService, key: string, method: string, path: string, body?: unknown) =>
  fetch(svc.url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const digicert = (svc: TestService, key: string, method: string, path: string, body?: unknown) =>
  fetch(`${svc.url}/services/v2${path}`, {
    method,
    headers: { 'x-dc-devkey': key, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

let verificationId = '';

/** Every operation, in every dialect that takes API keys, with the one permission it needs. */
const operations: Operation[] = [
  { name: 'native: list verifications', permission: 'read', run: (s, k) => native(s, k, 'GET', '/v1/verifications') },
  { name: 'native: list messages', permission: 'read', run: (s, k) => native(s, k, 'GET', '/v1/messages') },
  {
    name: 'native: create a verification',
    permission: 'send',
    run: (s, k, n) => native(s, k, 'POST', '/v1/verifications', { recipient: `r${n}@example.com`, purpose: 'email_ownership' }),
  },
  { name: 'native: resend', permission: 'send', run: (s, k) => native(s, k, 'POST', `/v1/verifications/${verificationId}/resend`) },
  {
    name: 'native: create an order',
    permission: 'manage_subjects',
    run: (s, k, n) => native(s, k, 'POST', '/v1/orders', { type: 'smime', orderNumber: `roles-${n}`, emails: [`o${n}@example.com`] }),
  },
  { name: 'native: captured inbox (live links)', permission: 'read_mail', run: (s, k) => native(s, k, 'GET', '/v1/inbox') },
  { name: 'native: list own keys', permission: 'manage_keys', run: (s, k) => native(s, k, 'GET', '/v1/accounts/acme/keys') },
  {
    name: 'native: create a role-103 key',
    permission: 'manage_keys',
    run: (s, k) => native(s, k, 'POST', '/v1/accounts/acme/keys', { role: 103 }),
  },
  { name: 'digicert: get order', permission: 'read', run: (s, k) => digicert(s, k, 'GET', '/order/certificate/1234567') },
  { name: 'digicert: domain DCV emails', permission: 'read', run: (s, k) => digicert(s, k, 'GET', '/domain/example.com/dcv/emails') },
  { name: 'digicert: resend-emails', permission: 'send', run: (s, k) => digicert(s, k, 'PUT', '/order/certificate/1234567/resend-emails') },
  {
    name: 'digicert: send domain DCV emails',
    permission: 'manage_subjects',
    run: (s, k) => digicert(s, k, 'PUT', '/domain/example.com/dcv/emails', { email_array: ['admin@example.com'] }),
  },
];

/** What each role may do: core/access/permissions.ts, the same for every dialect. */
const allowed: Record<Role, Operation['permission'][]> = {
  0: ['read', 'send', 'manage_subjects', 'manage_keys', 'read_mail'],
  100: ['read', 'send'],
  101: ['read', 'send', 'manage_subjects'],
  102: ['read'],
  103: ['manage_keys'],
};

describe('key roles mean the same on every path', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService({ resendCooldown: 0, resendMaxPerDay: 10_000 });
    await seedFixture(svc.rt, {
      accounts: [
        {
          name: 'acme',
          apiKeys: Object.entries(keys).map(([role, key]) => ({ key, role: Number(role) })),
          accessKeys: [{ id: 'LTAI5tAcmeExample01', secret: 'acmeAccessSecret0123456789' }],
        },
        { name: 'globex', accessKeys: [{ id: 'LTAI5tGlobexExample1', secret: 'globexAccessSecret012345' }] },
      ],
      orders: [{ account: 'acme', type: 'ssl', orderNumber: 1234567, domains: ['example.com'], dcvEmail: 'admin@example.com' }],
    });
    verificationId = (
      await native(svc, keys[0], 'POST', '/v1/verifications', { recipient: 'base@example.com', purpose: 'email_ownership' }).then((r) =>
        r.json(),
      )
    ).id;
  });
  afterAll(async () => svc.close());

  for (const role of Object.keys(keys).map(Number) as Role[]) {
    it(`role ${role}: allowed exactly ${allowed[role].join(', ')}`, async () => {
      const outcome: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const [n, op] of operations.entries()) {
        const res = await op.run(svc, keys[role], role * 100 + n);
        await res.text();
        outcome[op.name] = res.status < 300 ? 'allowed' : res.status === 403 ? 'forbidden' : `status ${res.status}`;
        expected[op.name] = allowed[role].includes(op.permission) ? 'allowed' : 'forbidden';
      }
      expect(outcome).toEqual(expected);
    });
  }

  it('a view-only key never sees a live link: no inbox, and messages carry none', async () => {
    await outboxSettled(svc);
    expect((await native(svc, keys[102], 'GET', '/v1/inbox')).status).toBe(403);
    const messages = await (await native(svc, keys[102], 'GET', '/v1/messages')).text();
    expect(messages).not.toMatch(/token=/);
    expect(JSON.parse(messages).items.length).toBeGreaterThan(0);
  });

  it('a key never creates a key that may do more than itself', async () => {
    const res = await native(svc, keys[103], 'POST', '/v1/accounts/acme/keys', { role: 0 });
    expect(res.status).toBe(403);
  });

  it('Alibaba VerifyEmail confirms only the calling account’s email-identity tokens', async () => {
    const submitted = await signedRequest(svc.url, { Action: 'SubmitEmailVerification', Email: 'owner@acme.example' });
    expect(submitted.status).toBe(200);
    await outboxSettled(svc);
    const inbox = await (await native(svc, keys[0], 'GET', '/v1/inbox?to=owner%40acme.example')).json();
    const token = new URL(inbox.items[0].links[0]).searchParams.get('token') ?? '';
    const other = await signedRequest(
      svc.url,
      { Action: 'VerifyEmail', Token: token, AccessKeyId: 'LTAI5tGlobexExample1' },
      { secret: 'globexAccessSecret012345' },
    );
    expect((await other.json()).Code).toBe('ParameterIllegal');
    const query = await (await signedRequest(svc.url, { Action: 'QueryEmailVerification', Email: 'owner@acme.example' })).json();
    expect(query.VerificationStatus).toBe(0);
    const mine = await signedRequest(svc.url, { Action: 'VerifyEmail', Token: token });
    expect(mine.status).toBe(200);
  });
});
