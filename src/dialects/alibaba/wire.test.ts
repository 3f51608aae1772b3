import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, acs3Request, signedRequest } from '../../../test/helpers/alibaba.js';
import { startService, type TestService } from '../../../test/helpers/service.js';
import { seedFixture } from '../../fixtures/load-fixtures.js';
import { stringToSign } from './signature.js';

describe('Alibaba wire details the SDKs depend on', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService({ resendCooldown: 0 }, { courier: false });
    await seedFixture(svc.rt, { accounts: [{ name: 'acme', accessKeys: [{ id: ACCESS_KEY.id, secret: ACCESS_KEY.secret }] }] });
  });
  afterAll(async () => svc.close());

  it('booleans in any case: SendIfExist=False (Python str(False)) and TRUE are read, anything else is InvalidParameter.Format', async () => {
    const submit = async (SendIfExist: string) =>
      (await signedRequest(svc.url, { Action: 'SubmitEmailVerification', Email: 'bool@example.org', SendIfExist })).json();
    expect((await submit('False')).SuccessList).toEqual([{ Code: 'Success', Email: 'bool@example.org', Message: 'Success' }]);
    // Already pending: False leaves it in ExistList without a send, TRUE sends again (still ExistList).
    expect((await submit('FALSE')).ExistList).toHaveLength(1);
    expect((await submit('TRUE')).ExistList).toHaveLength(1);
    expect((await svc.rt.store.messages.queueDepth()).queued).toBe(2);
    expect((await submit('yes')).Code).toBe('InvalidParameter.Format');
  });

  it('XML lists: one element per item, repeated, named as in JSON; an empty list has no element', async () => {
    const res = await signedRequest(svc.url, {
      Action: 'SubmitEmailVerification',
      Email: 'x1@example.org,x2@example.org',
      Format: 'XML',
    });
    const xml = await res.text();
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><SubmitEmailVerificationResponse><RequestId>[0-9A-F-]{36}<\/RequestId><SuccessList><Code>Success<\/Code><Email>x1@example.org<\/Email><Message>Success<\/Message><\/SuccessList><SuccessList><Code>Success<\/Code><Email>x2@example.org<\/Email><Message>Success<\/Message><\/SuccessList><\/SubmitEmailVerificationResponse>$/,
    );
    const list = await (await signedRequest(svc.url, { Action: 'ListEmailVerification', Email: 'x1@example.org' })).json();
    expect(list.Data).toEqual([expect.objectContaining({ Email: 'x1@example.org', VerificationStatus: 0 })]);
  });

  it("v1 SignatureDoesNotMatch ends with the server's string to sign, so the classic SDK can split it on ':'", async () => {
    const params = { Action: 'QueryEmailVerification', Email: 'x1@example.org', Lang: 'zh' };
    const res = await signedRequest(svc.url, params, { secret: 'not-the-right-secret' });
    const body = await res.json();
    expect([res.status, body.Code]).toEqual([400, 'SignatureDoesNotMatch']);
    const sent = Object.fromEntries(new URL(res.url).searchParams);
    expect(body.Message).toBe(`指定的签名与我们的计算结果不匹配。 server string to sign is:${stringToSign('GET', sent)}`);
    expect(body.Message.split(':')[1]).toBe(stringToSign('GET', sent));
  });

  it('V3 (ACS3) by hand: JSON unless Format says otherwise; parameters in the query or a form body', async () => {
    const inQuery = await acs3Request(svc.url, 'QueryEmailVerification', { Email: 'x1@example.org' });
    expect([inQuery.status, inQuery.headers.get('content-type')]).toEqual([200, 'application/json;charset=utf-8']);
    expect((await inQuery.json()).Email).toBe('x1@example.org');
    const inBody = await acs3Request(svc.url, 'QueryEmailVerification', { Email: 'x1@example.org', Format: 'XML' }, { in: 'body' });
    expect(inBody.status).toBe(200);
    expect(await inBody.text()).toMatch(/^<\?xml .*<QueryEmailVerificationResponse>.*<Email>x1@example.org<\/Email>/);
  });

  it('V3 refusals: a body other than the one signed, an unsigned x-acs- header, a missing action, another algorithm', async () => {
    const tampered = await acs3Request(
      svc.url,
      'DeleteEmailVerification',
      { Email: 'x1@example.org' },
      { in: 'body', sentBody: 'Email=x2%40example.org' },
    );
    const body = await tampered.json();
    expect([tampered.status, body.Code]).toEqual([400, 'SignatureDoesNotMatch']);
    expect(body.Message).toMatch(/ server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$/);
    const unsigned = await acs3Request(
      svc.url,
      'QueryEmailVerification',
      { Email: 'x1@example.org' },
      { extraHeaders: { 'x-acs-extra': '1' } },
    );
    expect([unsigned.status, (await unsigned.json()).Code]).toEqual([400, 'IncompleteSignature']);
    const noAction = await fetch(`${svc.url}/`, {
      method: 'POST',
      headers: { authorization: 'ACS3-HMAC-SHA256 Credential=x,SignedHeaders=host,Signature=00' },
    });
    expect([noAction.status, noAction.headers.get('content-type'), (await noAction.json()).Code]).toEqual([
      400,
      'application/json;charset=utf-8',
      'MissingAction',
    ]);
    const sm3 = await fetch(`${svc.url}/`, {
      method: 'POST',
      headers: {
        'x-acs-action': 'ListEmailVerification',
        'x-acs-version': '2018-01-29',
        authorization: 'ACS3-HMAC-SM3 Credential=x,SignedHeaders=host,Signature=00',
      },
    });
    expect([sm3.status, (await sm3.json()).Code]).toEqual([400, 'InvalidSignatureMethod']);
    // Nothing was deleted by the tampered request.
    expect((await (await acs3Request(svc.url, 'QueryEmailVerification', { Email: 'x1@example.org' })).json()).Email).toBe('x1@example.org');
  });
});
