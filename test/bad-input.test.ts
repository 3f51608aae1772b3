import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startService, type TestService } from './helpers/service.js';

describe('bad input to the native API', () => {
  let svc: TestService;
  let existing: string;

  beforeAll(async () => {
    svc = await startService({ bodyLimit: 4096 }, { courier: false });
    existing = (await svc.call('POST', '/v1/verifications', { recipient: 'kept@example.com', purpose: 'dcv' })).json.id;
  });
  afterAll(async () => svc.close());

  const raw = async (body: string, contentType = 'application/json') => {
    const res = await fetch(`${svc.url}/v1/verifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': contentType },
      body,
    });
    return { status: res.status, text: await res.text() };
  };

  const cases: [string, () => Promise<{ status: number; text: string }>, number, string][] = [
    ['malformed JSON', () => raw('{"recipient": "a@example.com",'), 400, 'MALFORMED_JSON'],
    ['empty JSON body', () => raw(''), 400, 'MALFORMED_JSON'],
    [
      'oversize body',
      () => raw(JSON.stringify({ recipient: `${'a'.repeat(5000)}@example.com`, purpose: 'dcv' })),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['wrong type', () => raw(JSON.stringify({ recipient: 42, purpose: 'dcv' })), 400, 'VALIDATION_FAILED'],
    ['array body', () => raw('[1,2]'), 400, 'VALIDATION_FAILED'],
    [
      'unknown field',
      () => raw(JSON.stringify({ recipient: 'x@example.com', purpose: 'dcv', bcc: 'y@example.com' })),
      400,
      'VALIDATION_FAILED',
    ],
    ['unknown purpose', () => raw(JSON.stringify({ recipient: 'x@example.com', purpose: 'spam' })), 400, 'VALIDATION_FAILED'],
    [
      'CRLF in the address',
      () => raw(JSON.stringify({ recipient: 'x@example.com\r\nBcc: y@example.com', purpose: 'dcv' })),
      400,
      'INVALID_RECIPIENT',
    ],
    ['LF in the address', () => raw(JSON.stringify({ recipient: 'x@exa\nmple.com', purpose: 'dcv' })), 400, 'INVALID_RECIPIENT'],
    ['invalid address', () => raw(JSON.stringify({ recipient: 'not-an-address', purpose: 'dcv' })), 400, 'INVALID_RECIPIENT'],
    [
      'display name instead of address',
      () => raw(JSON.stringify({ recipient: 'X <x@example.com>', purpose: 'dcv' })),
      400,
      'INVALID_RECIPIENT',
    ],
    [
      'bad locale',
      () => raw(JSON.stringify({ recipient: 'x@example.com', purpose: 'dcv', locale: '../../etc' })),
      400,
      'VALIDATION_FAILED',
    ],
    ['form instead of JSON', () => raw('recipient=x@example.com', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'unknown account',
      () => raw(JSON.stringify({ recipient: 'x@example.com', purpose: 'dcv', account: 'ghost' })),
      404,
      'ACCOUNT_NOT_FOUND',
    ],
  ];

  it.each(cases)('%s: a clear 4xx in the native error shape, nothing stored', async (_name, send, status, code) => {
    const before = await svc.call('GET', '/v1/verifications?limit=100');
    const res = await send();
    expect(res.status).toBe(status);
    const body = JSON.parse(res.text);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toEqual(expect.any(String));
    expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
    const after = await svc.call('GET', '/v1/verifications?limit=100');
    expect(after.json.items).toEqual(before.json.items);
    expect((await svc.call('GET', `/v1/verifications/${existing}`)).json.state).toBe('pending');
  });

  it('bad ids, queries and tokens are 4xx, never 5xx', async () => {
    const probes = [
      await svc.call('GET', '/v1/verifications/..%2F..%2Fetc'),
      await svc.call('GET', '/v1/verifications/unknown-id'),
      await svc.call('GET', '/v1/verifications?limit=1000'),
      await svc.call('GET', '/v1/verifications?state=weird'),
      await svc.call('GET', '/v1/verifications?cursor=%00%01'),
      await svc.call('POST', `/v1/verifications/${existing}/resend`, { locale: 5 }),
      await svc.call('POST', '/v1/confirm', { token: 'x'.repeat(600) }, null),
      await svc.call('POST', '/v1/confirm', { token: 'no-such-token-value-here' }, null),
      await svc.call('GET', '/v1/verifications', undefined, 'wrong-token'),
    ];
    expect(probes.map((p) => p.status)).toEqual([400, 404, 400, 400, 200, 400, 400, 404, 401]);
    for (const p of probes) expect(p.json.error?.code ?? 'page').toMatch(/^[A-Z_]+$|^page$/);
  });
});
