import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY } from '../../../test/helpers/alibaba.js';
import { openApiClient } from '../../../test/helpers/alibaba-openapi.js';
import { eventually } from '../../../test/helpers/eventually.js';
import { startService, type TestService } from '../../../test/helpers/service.js';
import { SmtpSink } from '../../../test/helpers/smtp-sink.js';
import { seedFixture } from '../../fixtures/load-fixtures.js';

const fixture = { accounts: [{ name: 'acme', accessKeys: [{ id: ACCESS_KEY.id, secret: ACCESS_KEY.secret }] }] };
const timePattern = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('Alibaba Cloud with the official Tea/Darabonba client (@alicloud/openapi-client, callApi)', () => {
  let sink: SmtpSink;
  let svc: TestService;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    svc = await startService({ smtpUrl: sink.url, resendCooldown: 0, resendMaxPerDay: 5 });
    await seedFixture(svc.rt, fixture);
  });
  afterAll(async () => {
    await svc.close();
    await sink.stop();
  });

  /** The link of the latest of `count` emails to `address`, once they have all arrived. */
  const tokenMailedTo = async (address: string, count: number) => {
    const mails = await eventually(
      () => sink.mails.filter((m) => m.to.includes(address)),
      (found) => found.length >= count,
    );
    const text = mails.at(-1)?.text ?? '';
    return new URL(/https?:\/\/\S+/.exec(text)?.[0] ?? 'http://x').searchParams.get('token') ?? '';
  };

  for (const [mode, algorithm, tag] of [
    ['its default signature, ACS3-HMAC-SHA256', undefined, 'acs3'],
    ["signatureAlgorithm: 'v2' (signature v1)", 'v2', 'v2'],
  ] as const) {
    it(`all six actions with ${mode}: plain-array lists a generated SDK model can read`, async () => {
      const call = openApiClient(svc.url, ACCESS_KEY, algorithm);
      const a = `${tag}-a@example.org`;
      const b = `${tag}-b@example.org`;

      const submitted = await call('SubmitEmailVerification', { Email: `${a},${b},not-an-address`, SendIfExist: 'False' });
      expect(submitted.statusCode).toBe(200);
      expect(submitted.headers['content-type']).toMatch(/^application\/json/);
      expect(submitted.body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
      expect(submitted.body.SuccessList).toEqual([
        { Code: 'Success', Email: a, Message: 'Success' },
        { Code: 'Success', Email: b, Message: 'Success' },
      ]);
      expect(submitted.body.FailList).toEqual([{ Code: 'ParameterIllegall', Email: 'not-an-address', Message: 'Parameter error' }]);
      expect(submitted.body.ExistList).toEqual([]);

      // The same again, parameters in a form body this time: already pending, so ExistList.
      const again = await call('SubmitEmailVerification', { Email: a }, { in: 'body' });
      expect(again.body).toMatchObject({ SuccessList: [], FailList: [], ExistList: [{ Code: 'Success', Email: a }] });

      const resent = await call('ResendEmailVerification', { Email: `${a},${b}`, UserClientIp: '198.51.100.9' }, { in: 'body' });
      expect(resent.body.SuccessList.map((r: { Email: string }) => r.Email)).toEqual([a, b]);
      expect(resent.body.FailList).toEqual([]);

      const queried = await call('QueryEmailVerification', { Email: a });
      expect(queried.body).toMatchObject({ Email: a, VerificationStatus: 0, SendIp: '198.51.100.9' });
      expect(queried.body.TokenSendTime).toMatch(timePattern);

      const verified = await call('VerifyEmail', { Token: await tokenMailedTo(a, 2), UserClientIp: '192.0.2.44' });
      expect(Object.keys(verified.body)).toEqual(['RequestId']);

      const listed = await call('ListEmailVerification', { Email: a });
      expect(listed.body).toMatchObject({ TotalItemNum: 1, CurrentPageNum: 1, TotalPageNum: 1, PrePage: false, NextPage: false });
      expect(Array.isArray(listed.body.Data)).toBe(true);
      expect(listed.body.Data).toEqual([expect.objectContaining({ Email: a, VerificationStatus: 1 })]);

      const deleted = await call('DeleteEmailVerification', { Email: `${b},nobody@example.org` });
      expect(deleted.body.SuccessList).toEqual([{ Code: 'Success', Email: b, Message: 'Success' }]);
      expect(deleted.body.FailList).toEqual([{ Code: 'ParameterIllegall', Email: 'nobody@example.org', Message: 'Parameter error' }]);
    });

    it(`${mode}: a wrong secret is SignatureDoesNotMatch carrying the server's string to sign`, async () => {
      const wrong = openApiClient(svc.url, { id: ACCESS_KEY.id, secret: 'not-the-secret-at-all' }, algorithm);
      const refused = await wrong('QueryEmailVerification', { Email: 'a@example.org' }).catch((e) => e);
      expect(refused.code).toBe('SignatureDoesNotMatch');
      expect(refused.statusCode ?? refused.data?.statusCode).toBe(400);
      const [prefix, serverString] = String(refused.data.Message).split(' server string to sign is:');
      expect(prefix).toBe('Specified signature is not matched with our calculation.');
      expect(serverString).toMatch(algorithm === 'v2' ? /^POST&%2F&AccessKeyId%3D/ : /^ACS3-HMAC-SHA256\n[0-9a-f]{64}$/);
    });
  }

  it('ACS3: a replayed nonce and an old x-acs-date are refused as for v1; errors come in JSON', async () => {
    const call = openApiClient(svc.url, ACCESS_KEY);
    const nonce = { 'x-acs-signature-nonce': 'acs3-fixed-nonce-0001' };
    expect((await call('ListEmailVerification', {}, { headers: nonce })).statusCode).toBe(200);
    const replay = await call('ListEmailVerification', {}, { headers: nonce }).catch((e) => e);
    expect([replay.code, replay.data?.statusCode]).toEqual(['SignatureNonceUsed', 400]);
    const old = await call('ListEmailVerification', {}, { headers: { 'x-acs-date': '2016-02-23T12:46:24Z' } }).catch((e) => e);
    expect([old.code, old.data?.statusCode]).toEqual(['InvalidTimeStamp.Expired', 400]);
    expect(Object.keys(old.data).filter((k) => k !== 'statusCode')).toEqual(['RequestId', 'HostId', 'Code', 'Message']);
    const unknown = await openApiClient(svc.url, { id: 'LTAIunknownKey000', secret: 'whatever-secret-0' })(
      'ListEmailVerification',
      {},
    ).catch((e) => e);
    expect([unknown.code, unknown.data?.statusCode]).toEqual(['InvalidAccessKeyId.NotFound', 404]);
  });
});
