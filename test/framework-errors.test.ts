import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../src/config/load.js';
import { buildApp } from '../src/http/app.js';
import { createRuntime } from '../src/runtime/create-runtime.js';
import { createLogger } from '../src/runtime/logger.js';
import { ADMIN_TOKEN, startService, type TestService } from './helpers/service.js';

const DC_KEY = 'DC0123456789ABCDEF0123456789ABCD';
const BAD = '%ED%A0%80'; // a lone UTF-16 surrogate: valid percent-encoding of no UTF-8 text

/** The raw answer to bytes written on a fresh connection. */
const rawHttp = async (port: number, bytes: string): Promise<{ status: number; head: string; body: string }> => {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(bytes);
  let text = '';
  socket.on('data', (c) => {
    text += c;
  });
  await once(socket, 'close');
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head, body };
};

describe('framework-level errors answer in the format of the dialect the path belongs to', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService({}, { courier: false });
    await svc.call('POST', '/v1/accounts', { name: 'acme' });
  });
  afterAll(async () => svc.close());

  const send = async (method: string, path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${svc.url}${path}`, { method, headers });
    const text = await res.text();
    expect(text).not.toMatch(/FST_ERR|"statusCode"/);
    return { status: res.status, type: res.headers.get('content-type') ?? '', text };
  };

  it('an URL that cannot be decoded (FST_ERR_BAD_URL), in every dialect', async () => {
    const digicert = await send('PUT', `/services/v2/order/certificate/${BAD}/resend-emails`, { 'x-dc-devkey': DC_KEY });
    expect([digicert.status, JSON.parse(digicert.text)]).toEqual([
      404,
      { errors: [{ code: 'not_found|route', message: 'The requested route was not found.' }] },
    ]);
    const dcv = await send('POST', `/products/!ResendDCVEmail${BAD}`);
    expect([dcv.status, dcv.text]).toEqual([200, 'errorCode=-14&errorMessage=An+unknown+error+occurred%21']);
    const smime = await send('POST', `/products/!ResendVerificationEmailSMIME/${BAD}`);
    expect([smime.status, smime.text]).toEqual([200, '-14\nAn unknown error occurred!']);
    const akana = await send('POST', `/api/users/${BAD}`);
    expect([akana.status, JSON.parse(akana.text)]).toEqual([400, { code: 400, message: 'The request is not valid.' }]);
    const native = await send('GET', `/v1/verifications/${BAD}`, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect([native.status, JSON.parse(native.text).error.code]).toEqual([400, 'MALFORMED_URL']);
  });

  it('no route: Sectigo, Alibaba (a method other than GET or POST on /) and paths outside every dialect', async () => {
    const sectigo = await send('POST', '/products/!NoSuchEndpoint');
    expect([sectigo.status, sectigo.text]).toEqual([200, '-14\nAn unknown error occurred!']);
    const json = await send('PUT', '/?Format=JSON');
    const body = JSON.parse(json.text);
    expect([json.status, json.type, Object.keys(body), body.Code]).toEqual([
      404,
      'application/json;charset=utf-8',
      ['RequestId', 'HostId', 'Code', 'Message'],
      'InvalidApi.NotFound',
    ]);
    const xml = await send('DELETE', '/');
    expect([xml.status, xml.type]).toEqual([404, 'text/xml;charset=utf-8']);
    expect(xml.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><Error><RequestId>[0-9A-F-]{36}<\/RequestId><HostId>127\.0\.0\.1<\/HostId><Code>InvalidApi\.NotFound<\/Code>/,
    );
    const elsewhere = await send('GET', '/no/such/page');
    expect([elsewhere.status, JSON.parse(elsewhere.text)]).toEqual([
      404,
      { error: { code: 'ROUTE_NOT_FOUND', message: 'No route GET /no/such/page.' } },
    ]);
  });

  it('a path parameter over the router limit, and a long but valid DNS name', async () => {
    const long = await send('GET', `/services/v2/domain/${'a'.repeat(600)}/dcv/emails`, { 'x-dc-devkey': DC_KEY });
    expect([long.status, JSON.parse(long.text).errors[0].code]).toEqual([404, 'not_found|route']);
    const name = `${['a', 'b', 'c'].map((c) => c.repeat(63)).join('.')}.example.com`;
    const valid = await send('GET', `/services/v2/domain/${name}/dcv/emails`, { 'x-dc-devkey': 'not-a-key' });
    expect([valid.status, JSON.parse(valid.text).errors[0].code]).toEqual([401, 'access_denied']);
  });

  it('a malformed request (Node clientError): the dialect is read from the request line', async () => {
    const port = Number(new URL(svc.url).port);
    const digicert = await rawHttp(port, 'PUT /services/v2/order/certificate/1/resend-emails HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    expect([digicert.status, JSON.parse(digicert.body).errors[0].code]).toEqual([400, 'bad_request_format']);
    const sectigo = await rawHttp(port, 'POST /products/!ResendDCVEmail HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    expect([sectigo.status, sectigo.body]).toEqual([200, 'errorCode=-14&errorMessage=An+unknown+error+occurred%21']);
    const alibaba = await rawHttp(port, 'GET /?Format=JSON HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    expect([alibaba.status, JSON.parse(alibaba.body).Code]).toEqual([400, 'InvalidParameter.Format']);
    const garbage = await rawHttp(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect([garbage.status, JSON.parse(garbage.body).error.code]).toEqual([400, 'BAD_REQUEST']);
  });
});

describe('requests that arrive while the service drains for shutdown', () => {
  it('are refused with 503 in the dialect format, not Fastify default body', async () => {
    const settings = {
      ...loadSettings({ env: {} }),
      databaseUrl: 'sqlite::memory:',
      adminToken: ADMIN_TOKEN,
      secretKey: 'test-secret-key-0123456789abcdef0123456789',
      logLevel: 'silent',
    };
    const rt = await createRuntime(settings, { logger: createLogger('silent') });
    const app = await buildApp(rt);
    const seen: { path: string; status: number; text: string }[] = [];
    let url = '';
    // Runs when close() begins, while the server still accepts connections.
    app.addHook('preClose', async () => {
      for (const [method, path] of [
        ['PUT', '/services/v2/order/certificate/1/resend-emails'],
        ['POST', '/products/!ResendDCVEmail'],
        ['GET', '/v1/verifications'],
      ] as const) {
        const res = await fetch(`${url}${path}`, { method });
        seen.push({ path, status: res.status, text: await res.text() });
      }
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    await app.close();
    await rt.close();
    expect(seen.map((s) => [s.status, s.text.includes('FST_') || s.text.includes('"statusCode"')])).toEqual([
      [503, false],
      [200, false],
      [503, false],
    ]);
    expect(JSON.parse(seen[0]?.text ?? '').errors[0].code).toBe('service_unavailable');
    expect(seen[1]?.text).toBe('errorCode=-14&errorMessage=An+unknown+error+occurred%21');
    expect(JSON.parse(seen[2]?.text ?? '').error.code).toBe('SERVICE_UNAVAILABLE');
  });
});
