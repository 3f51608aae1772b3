import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/sandbox/index.js';
import { openApiClient } from './helpers/alibaba-openapi.js';
import { startService } from './helpers/service.js';

const curl = promisify(execFile);

/** curl as the seeds show it; returns status, headers and body, or curl's exit code when no answer came. */
const curlCall = async (args: string[]) => {
  try {
    const { stdout } = await curl('curl', ['--silent', '--include', ...args]);
    const [head = '', ...rest] = stdout.split('\r\n\r\n');
    return { status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(head)?.[1]), head: head.toLowerCase(), body: rest.join('\r\n\r\n'), exit: 0 };
  } catch (e) {
    return { status: 0, head: '', body: '', exit: (e as { code: number }).code };
  }
};

describe('fault injection in the sandbox, seen through the vendors’ own clients and curl', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ settings: { resendCooldown: 0 } });
  });
  afterAll(async () => sb.close());

  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${sb.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${sb.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).then(async (r) => ({ status: r.status, json: await r.json() }));

  const sectigoDcv = () =>
    curlCall([
      `${sb.url}/products/!ResendDCVEmail`,
      '--header',
      'Content-Type: application/x-www-form-urlencoded',
      '--data-urlencode',
      'loginName=login_name',
      '--data-urlencode',
      'loginPassword=login_password',
      '--data-urlencode',
      'orderNumber=1234567',
    ]);

  it('Sectigo: the next 2 calls answer -16 with the right password, then the fault is gone', async () => {
    const added = await admin('POST', '/v1/sandbox/faults', {
      target: 'sectigo',
      endpoint: '!ResendDCVEmail',
      effect: { kind: 'error', code: '-16' },
      count: 2,
    });
    expect(added.status).toBe(201);
    expect((await admin('GET', '/v1/sandbox/faults')).json.items).toHaveLength(1);
    expect((await sectigoDcv()).body).toMatch(/^errorCode=-16&/);
    expect((await sectigoDcv()).body).toMatch(/^errorCode=-16&/);
    expect((await sectigoDcv()).body).toBe('errorCode=0');
    expect((await admin('GET', '/v1/sandbox/faults')).json.items).toEqual([]);
    sb.faults.add({ target: 'sectigo', effect: { kind: 'error', code: '-14' }, count: 1 });
    expect((await sectigoDcv()).body).toMatch(/^errorCode=-14&errorMessage=An\+unknown\+error\+occurred%21/);
  });

  it('DigiCert: 429 request_limit_exceeded with Retry-After, once', async () => {
    sb.faults.add({ target: 'digicert', endpoint: 'resend-emails', effect: { kind: 'error', code: 'request_limit_exceeded' }, count: 1 });
    const call = () =>
      curlCall([
        '-X',
        'PUT',
        `${sb.url}/services/v2/order/certificate/1234567/resend-emails`,
        '-H',
        'Content-Type: application/json',
        '-H',
        `X-DC-DEVKEY: ${sb.credentials.digicertApiKey}`,
      ]);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.head).toMatch(/retry-after: \d+/);
    expect(JSON.parse(refused.body)).toEqual({
      errors: [{ code: 'request_limit_exceeded', message: 'Too many requests. Try again later.' }],
    });
    expect((await call()).status).toBe(204);
  });

  it('Alibaba: Throttling.User through pop-core (v1), InternalError through the official OpenAPI client (ACS3)', async () => {
    const pop = new (RPCClient as any)({
      accessKeyId: sb.credentials.accessKeyId,
      accessKeySecret: sb.credentials.accessKeySecret,
      endpoint: sb.url,
      apiVersion: '2018-01-29',
    });
    sb.faults.add({ target: 'alibaba', endpoint: 'ResendEmailVerification', effect: { kind: 'error', code: 'Throttling.User' }, count: 1 });
    await expect(pop.request('ResendEmailVerification', { Email: 'test1@aliyun.com' }, { method: 'POST' })).rejects.toMatchObject({
      code: 'Throttling.User',
    });
    expect((await pop.request('ResendEmailVerification', { Email: 'test1@aliyun.com' }, { method: 'POST' })).SuccessList).toHaveLength(1);
    const official = openApiClient(sb.url, { id: sb.credentials.accessKeyId, secret: sb.credentials.accessKeySecret });
    sb.faults.add({ target: 'alibaba', effect: { kind: 'error', code: 'InternalError' }, count: 1 });
    await expect(official('QueryEmailVerification', { Email: 'test1@aliyun.com' })).rejects.toMatchObject({
      code: 'InternalError',
      statusCode: 500,
    });
    expect((await official('QueryEmailVerification', { Email: 'test1@aliyun.com' })).body.Email).toBe('test1@aliyun.com');
  });

  it('Akana: 500 in its JSON error, then back to 200', async () => {
    sb.faults.add({ target: 'akana', endpoint: 'resendActivation', effect: { kind: 'error', code: '500' }, count: 1 });
    const call = () =>
      curlCall([
        '-X',
        'POST',
        `${sb.url}/api/users/resendActivation`,
        '-H',
        'Content-Type: application/x-www-form-urlencoded; charset=UTF-8',
        '--data',
        'emailAddress=jane.saoirse@acmepaymentscorp.com',
      ]);
    const failed = await call();
    expect([failed.status, JSON.parse(failed.body)]).toEqual([500, { code: 500, message: 'An error occurred processing the call.' }]);
    expect((await call()).status).toBe(200);
  });

  it('latency and a dropped connection, each for the next call only', async () => {
    sb.faults.add({ target: 'native', endpoint: 'verifications', effect: { kind: 'latency', ms: 300 }, count: 1 });
    const list = () => curlCall([`${sb.url}/v1/verifications`, '-H', `Authorization: Bearer ${sb.adminToken}`]);
    const started = Date.now();
    expect((await list()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    sb.faults.add({ target: 'native', endpoint: 'verifications', effect: { kind: 'drop' }, count: 1 });
    const dropped = await list();
    expect(dropped.status).toBe(0);
    expect(dropped.exit).toBe(52);
    expect((await list()).status).toBe(200);
  });

  it('faults for one account leave other accounts alone; a share fails some calls, not all; clearing ends them', async () => {
    const other = await admin('POST', '/v1/accounts', { name: 'other' });
    const key = (await admin('POST', `/v1/accounts/${other.json.id}/keys`, { role: 0 })).json.key;
    const sandboxAccount = (await admin('GET', '/v1/accounts/sandbox')).json.id;
    const sandboxKey = (await admin('POST', `/v1/accounts/${sandboxAccount}/keys`, { role: 0 })).json.key;
    sb.faults.add({ target: 'native', accountId: sandboxAccount, effect: { kind: 'error', code: 'SERVICE_UNAVAILABLE' } });
    const as = (token: string) =>
      fetch(`${sb.url}/v1/verifications`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await as(sandboxKey)).toBe(503);
    expect(await as(sandboxKey)).toBe(503);
    expect(await as(key)).toBe(200);
    expect(await as(sb.adminToken)).toBe(200);
    sb.faults.clear();
    sb.faults.add({ target: 'native', endpoint: 'verifications', share: 0.5, effect: { kind: 'error', code: 'INTERNAL_ERROR' } });
    const statuses = await Promise.all(Array.from({ length: 40 }, () => as(key)));
    expect(statuses.filter((s) => s === 500).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect((await admin('DELETE', '/v1/sandbox/faults')).json.cleared).toBe(1);
    expect(await as(key)).toBe(200);
  });

  it('a fault with a code the vendor does not have is refused', async () => {
    const bad = await admin('POST', '/v1/sandbox/faults', { target: 'digicert', effect: { kind: 'error', code: 'no_such_code' } });
    expect([bad.status, bad.json.error.code, bad.json.error.field]).toEqual([400, 'VALIDATION_FAILED', 'effect.code']);
  });
});

describe('the global switches REVERIFY_SANDBOX_FAILURE_SHARE and REVERIFY_SANDBOX_LATENCY_MS', () => {
  const akana = (url: string) =>
    curlCall([
      '-X',
      'POST',
      `${url}/api/users/resendActivation`,
      '-H',
      'Content-Type: application/x-www-form-urlencoded; charset=UTF-8',
      '--data',
      'emailAddress=jane.saoirse@acmepaymentscorp.com',
    ]);

  it('a share of 1 fails every dialect call with its unknown-failure error; clearing the faults ends it', async () => {
    const sb = await startSandbox({ settings: { resendCooldown: 0, sandboxFailureShare: 1 } });
    try {
      const failed = await akana(sb.url);
      expect([failed.status, JSON.parse(failed.body)]).toEqual([500, { code: 500, message: 'An error occurred processing the call.' }]);
      const native = await fetch(`${sb.url}/v1/verifications?limit=1`, { headers: { authorization: `Bearer ${sb.adminToken}` } });
      expect([native.status, ((await native.json()) as { error: { code: string } }).error.code]).toEqual([500, 'INTERNAL_ERROR']);
      // The fault routes themselves still answer: the switches are standing faults, listed and cleared like any other.
      const listed = await fetch(`${sb.url}/v1/sandbox/faults`, { headers: { authorization: `Bearer ${sb.adminToken}` } });
      expect(((await listed.json()) as { items: { share: number }[] }).items.filter((f) => f.share === 1)).toHaveLength(5);
      sb.faults.clear();
      expect((await akana(sb.url)).status).toBe(200);
    } finally {
      await sb.close();
    }
  });

  it('a latency of 400 ms delays every dialect call by at least that much', async () => {
    const sb = await startSandbox({ settings: { resendCooldown: 0, sandboxLatencyMs: 400 } });
    try {
      const started = performance.now();
      expect((await akana(sb.url)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(400);
      sb.faults.clear();
      const again = performance.now();
      expect((await akana(sb.url)).status).toBe(200);
      expect(performance.now() - again).toBeLessThan(400);
    } finally {
      await sb.close();
    }
  });
});

describe('faults from a fixture', () => {
  it('a fixture object given to startSandbox sets faults that count down like any other', async () => {
    const sb = await startSandbox({
      settings: { resendCooldown: 0 },
      fixture: { faults: [{ target: 'digicert', effect: { kind: 'error', code: 'request_limit_exceeded' }, count: 1 }] },
    });
    try {
      const order = () =>
        fetch(`${sb.url}/services/v2/order/certificate/1234567`, { headers: { 'x-dc-devkey': sb.credentials.digicertApiKey } });
      expect(sb.faults.list()).toHaveLength(1);
      const limited = await order();
      expect([
        limited.status,
        limited.headers.get('retry-after'),
        ((await limited.json()) as { errors: { code: string }[] }).errors[0]?.code,
      ]).toEqual([429, '1', 'request_limit_exceeded']);
      expect((await order()).status).toBe(200);
      expect(sb.faults.list()).toHaveLength(0);
    } finally {
      await sb.close();
    }
  });
});

describe('outside the sandbox', () => {
  it('the fault routes do not exist and a fixture with faults is refused', async () => {
    const svc = await startService();
    try {
      expect((await svc.call('GET', '/v1/sandbox/faults')).status).toBe(404);
      expect((await svc.call('POST', '/v1/sandbox/faults', { target: 'akana', effect: { kind: 'drop' } })).status).toBe(404);
      const { seedFixture } = await import('../src/fixtures/load-fixtures.js');
      await expect(seedFixture(svc.rt, { faults: [{ target: 'akana', effect: { kind: 'drop' } }] })).rejects.toThrow(
        /only in sandbox mode/,
      );
    } finally {
      await svc.close();
    }
  });
});

describe('mail faults in the sandbox', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ builtIn: false, settings: { resendCooldown: 0, courierRetryBaseMs: 20, courierRetryMaxMs: 50 } });
  });
  afterAll(async () => sb.close());

  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${sb.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${sb.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).then(async (r) => {
      const text = await r.text();
      return { status: r.status, json: text ? JSON.parse(text) : null };
    });

  /** A verification's one message, once the courier has come to rest with it. */
  const settled = async (verificationId: string) => {
    for (const deadline = Date.now() + 10_000; ; ) {
      const m = (await admin('GET', `/v1/messages?verification=${verificationId}`)).json.items[0];
      if (m && ['sent', 'failed', 'bounced'].includes(m.status)) return (await admin('GET', `/v1/messages/${m.id}`)).json;
      if (Date.now() > deadline) throw new Error(`message of ${verificationId} still ${m?.status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('defer: 451 once, then delivered on the retry', async () => {
    sb.faults.add({ target: 'mail', effect: { kind: 'defer' }, count: 1 });
    const v = (await admin('POST', '/v1/verifications', { recipient: 'deferred@example.com', purpose: 'email_ownership' })).json;
    const m = await settled(v.id);
    expect(m.status).toBe('sent');
    expect(m.attempt_log.map((a: { result: string; response: string }) => [a.result, a.response.slice(0, 3)])).toEqual([
      ['deferred', '451'],
      ['sent', '250'],
    ]);
  });

  it('fail: 550, failed at once and never tried again', async () => {
    sb.faults.add({ target: 'mail', effect: { kind: 'fail' }, count: 1 });
    const v = (await admin('POST', '/v1/verifications', { recipient: 'refused@example.com', purpose: 'email_ownership' })).json;
    const m = await settled(v.id);
    expect([m.status, m.attempts, m.last_error.slice(0, 3)]).toEqual(['failed', 1, '550']);
  });

  it('bounce: delivered, then bounced; the address is suppressed and the next send refused until lifted', async () => {
    sb.faults.add({ target: 'mail', effect: { kind: 'bounce' }, count: 1 });
    const v = (await admin('POST', '/v1/verifications', { recipient: 'gone@example.com', purpose: 'email_ownership' })).json;
    for (const deadline = Date.now() + 10_000; (await settled(v.id)).status !== 'bounced'; ) {
      if (Date.now() > deadline) throw new Error('never bounced');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await sb.inbox.list({ to: 'gone@example.com' })).length).toBe(1);
    const again = await admin('POST', `/v1/verifications/${v.id}/resend`, {});
    expect([again.status, again.json.error.code]).toEqual([422, 'RECIPIENT_SUPPRESSED']);
    expect((await admin('DELETE', '/v1/suppressions/gone%40example.com')).status).toBe(204);
    expect((await admin('POST', `/v1/verifications/${v.id}/resend`, {})).status).toBe(202);
  });
});
