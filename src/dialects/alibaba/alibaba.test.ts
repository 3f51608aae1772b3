import RPCClient from '@alicloud/pop-core';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, signedRequest } from '../../../test/helpers/alibaba.js';
import { eventually } from '../../../test/helpers/eventually.js';
import { startService, type TestService } from '../../../test/helpers/service.js';
import { SmtpSink } from '../../../test/helpers/smtp-sink.js';
import { seedFixture } from '../../fixtures/load-fixtures.js';

const fixture = { accounts: [{ name: 'acme', accessKeys: [{ id: ACCESS_KEY.id, secret: ACCESS_KEY.secret }] }] };

describe('Alibaba Cloud email verification with the official @alicloud/pop-core client', () => {
  let sink: SmtpSink;
  let svc: TestService;
  let client: any;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    svc = await startService({ smtpUrl: sink.url, resendCooldown: 0, resendMaxPerDay: 3 });
    await seedFixture(svc.rt, fixture);
    client = new (RPCClient as any)({
      accessKeyId: ACCESS_KEY.id,
      accessKeySecret: ACCESS_KEY.secret,
      endpoint: svc.url,
      apiVersion: '2018-01-29',
    });
  });
  afterAll(async () => {
    await svc.close();
    await sink.stop();
  });

  const call = (action: string, params: Record<string, unknown>) => client.request(action, params, { method: 'POST' });

  it('Submit, Resend, Query, Verify, List and Delete round-trip; the resend reaches the SMTP server', async () => {
    const submitted = await call('SubmitEmailVerification', { Email: 'test1@example.org,test2@example.org', UserClientIp: '203.0.113.7' });
    expect(submitted.SuccessList.map((r: { Email: string }) => r.Email)).toEqual(['test1@example.org', 'test2@example.org']);
    expect(submitted.FailList).toEqual([]);
    expect(submitted.ExistList).toEqual([]);
    expect(submitted.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    const again = await call('SubmitEmailVerification', { Email: 'test1@example.org' });
    expect(again.ExistList).toEqual([{ Code: 'Success', Email: 'test1@example.org', Message: 'Success' }]);
    await sink.waitForMails(2);

    const resent = await call('ResendEmailVerification', { Email: 'test1@example.org', UserClientIp: '198.51.100.9' });
    expect(resent.SuccessList).toEqual([{ Code: 'Success', Email: 'test1@example.org', Message: 'Success' }]);
    const [, , mail] = await sink.waitForMails(3);
    expect(mail?.to).toEqual(['test1@example.org']);

    const pending = await call('QueryEmailVerification', { Email: 'test1@example.org' });
    expect(pending).toMatchObject({ Email: 'test1@example.org', VerificationStatus: 0, SendIp: '198.51.100.9' });
    expect(pending.TokenSendTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const token = new URL(/https?:\/\/\S+/.exec(mail?.text ?? '')?.[0] ?? '').searchParams.get('token');
    const verified = await call('VerifyEmail', { Token: token, UserClientIp: '192.0.2.44' });
    expect(Object.keys(verified)).toEqual(['RequestId']);
    const done = await call('QueryEmailVerification', { Email: 'test1@example.org' });
    expect(done).toMatchObject({ VerificationStatus: 1, ConfirmIp: '192.0.2.44' });
    expect(done.VerificationTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const listed = await call('ListEmailVerification', { PageSize: 1 });
    expect(listed).toMatchObject({ TotalItemNum: 2, CurrentPageNum: 1, TotalPageNum: 2, PageSize: 1, PrePage: false, NextPage: true });
    expect(listed.Data[0].Email).toBe('test1@example.org');
    const verifiedOnly = await call('ListEmailVerification', { VerificationStatus: 1 });
    expect(verifiedOnly.Data.map((e: { Email: string }) => e.Email)).toEqual(['test1@example.org']);

    const deleted = await call('DeleteEmailVerification', { Email: 'test2@example.org,nobody@example.org' });
    expect(deleted.SuccessList.map((r: { Email: string }) => r.Email)).toEqual(['test2@example.org']);
    expect(deleted.FailList).toEqual([{ Code: 'ParameterIllegall', Email: 'nobody@example.org', Message: 'Parameter error' }]);
    await expect(call('QueryEmailVerification', { Email: 'test2@example.org' })).rejects.toMatchObject({ code: 'ParameterIllegal' });
    expect((await call('ListEmailVerification', {})).TotalItemNum).toBe(1);
  });

  it('whole-request errors: wrong secret, unknown key, replayed nonce, old timestamp, missing Email', async () => {
    const wrong = new (RPCClient as any)({
      accessKeyId: ACCESS_KEY.id,
      accessKeySecret: 'not-the-secret',
      endpoint: svc.url,
      apiVersion: '2018-01-29',
    });
    await expect(wrong.request('ResendEmailVerification', { Email: 'a@example.org' }, { method: 'POST' })).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
    const unknown = new (RPCClient as any)({
      accessKeyId: 'LTAIunknownKey000',
      accessKeySecret: 'x',
      endpoint: svc.url,
      apiVersion: '2018-01-29',
    });
    await expect(unknown.request('ResendEmailVerification', { Email: 'a@example.org' })).rejects.toMatchObject({
      code: 'InvalidAccessKeyId.NotFound',
    });
    await expect(call('ResendEmailVerification', {})).rejects.toMatchObject({ code: 'MissingEmail' });

    const first = await signedRequest(svc.url, { Action: 'QueryEmailVerification', Email: 'test1@example.org' }, { nonce: 'nonce-0001' });
    expect(first.status).toBe(200);
    const replay = await signedRequest(svc.url, { Action: 'QueryEmailVerification', Email: 'test1@example.org' }, { nonce: 'nonce-0001' });
    expect([replay.status, (await replay.json()).Code]).toEqual([400, 'SignatureNonceUsed']);
    const old = await signedRequest(
      svc.url,
      { Action: 'QueryEmailVerification', Email: 'a@example.org' },
      { timestamp: '2016-02-23T12:46:24Z' },
    );
    expect([old.status, (await old.json()).Code]).toEqual([400, 'InvalidTimeStamp.Expired']);
    const unknownAction = await signedRequest(svc.url, { Action: 'DescribeRegions' });
    const body = await unknownAction.json();
    expect([unknownAction.status, body.Code, body.Message]).toEqual([
      404,
      'InvalidApi.NotFound',
      'Specified api is not found, please check your url and method.',
    ]);
    expect(Object.keys(body)).toEqual(['RequestId', 'HostId', 'Code', 'Message']);
  });

  it('a resend list mixing a good, a malformed and an over-quota address: exact SuccessList and FailList, in XML and JSON', async () => {
    await call('SubmitEmailVerification', { Email: 'good@example.org,busy@example.org' });
    for (let i = 0; i < 2; i++) await call('ResendEmailVerification', { Email: 'busy@example.org' });
    const params = { Action: 'ResendEmailVerification', Email: 'good@example.org,not-an-address,busy@example.org' };
    // good@ has 1 send (of 3 a day) so far; busy@ has 3 and is refused. The XML request comes first.
    const xml = await signedRequest(svc.url, { ...params, Format: 'XML' });
    expect(xml.headers.get('content-type')).toMatch(/^text\/xml/);
    const parsed = new XMLParser({ isArray: (name) => ['SuccessList', 'FailList', 'ExistList'].includes(name) }).parse(await xml.text());
    expect(parsed.ResendEmailVerificationResponse.SuccessList).toEqual([
      { Code: 'Success', Email: 'good@example.org', Message: 'Success' },
    ]);
    expect(parsed.ResendEmailVerificationResponse.FailList).toEqual([
      { Code: 'ParameterIllegall', Email: 'not-an-address', Message: 'Parameter error' },
      {
        Code: 'SendTokenQuotaExceeded',
        Email: 'busy@example.org',
        Message: 'The maximum number of attempts allowed to send the email verification link is exceeded.',
      },
    ]);
    const json = await (await signedRequest(svc.url, { ...params, Lang: 'zh' })).json();
    expect(json.SuccessList).toEqual([{ Code: 'Success', Email: 'good@example.org', Message: '成功' }]);
    expect(json.FailList.map((r: { Code: string }) => r.Code)).toEqual(['ParameterIllegall', 'SendTokenQuotaExceeded']);
    expect(Object.keys(json)).toEqual(['RequestId', 'SuccessList', 'FailList']);
    await eventually(
      () => svc.rt.store.messages.queueDepth(),
      (d) => d.queued + d.sending === 0,
    );
  });
});
