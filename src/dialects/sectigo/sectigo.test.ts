import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { login, sectigo, seedSectigo } from '../../../test/helpers/sectigo-fixture.js';
import { ManualClock, startService, type TestService } from '../../../test/helpers/service.js';
import { SmtpSink } from '../../../test/helpers/smtp-sink.js';

const curl = promisify(execFile);

describe('Sectigo: the seeds’ curl samples, verbatim', () => {
  let sink: SmtpSink;
  let svc: TestService;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    svc = await startService({ smtpUrl: sink.url, resendCooldown: 0 });
    await seedSectigo(svc);
    await sink.waitForMails(6); // the first emails of the seeded orders awaiting their recipients
  });
  afterAll(async () => {
    await svc.close();
    await sink.stop();
  });

  it('000 !ResendVerificationEmailSMIME answers 0 and mails every address of the certificate', async () => {
    const before = sink.mails.length;
    const { stdout } = await curl('curl', [
      '--silent',
      '--location',
      `${svc.url}/products/!ResendVerificationEmailSMIME`,
      '--header',
      'Content-Type: application/x-www-form-urlencoded',
      '--data-urlencode',
      'loginName=login_name',
      '--data-urlencode',
      'loginPassword=login_password',
      '--data-urlencode',
      'orderNumber=123456789',
    ]);
    expect(stdout).toBe('0');
    const mails = (await sink.waitForMails(before + 2)).slice(before);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['alice.backup@example.com', 'alice@example.com']);
    await new Promise((r) => setImmediate(r));
    expect(sink.mails).toHaveLength(before + 2);
  });

  it('001 !ResendDCVEmail answers errorCode=0 and mails the last DCV address once', async () => {
    const before = sink.mails.length;
    const { stdout } = await curl('curl', [
      '--silent',
      '--location',
      `${svc.url}/products/!ResendDCVEmail`,
      '--header',
      'Content-Type: application/x-www-form-urlencoded',
      '--data-urlencode',
      'loginName=login_name',
      '--data-urlencode',
      'loginPassword=login_password',
      '--data-urlencode',
      'orderNumber=1234567',
    ]);
    expect(stdout).toBe('errorCode=0');
    const [mail] = (await sink.waitForMails(before + 1)).slice(before);
    expect(mail?.to).toEqual(['admin@example.com']);
    expect(mail?.subject).toBe('Domain control validation for example.com, www.example.com');
  });
});

describe('Sectigo: one golden case per error code', () => {
  let svc: TestService;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    svc = await startService({ resendCooldown: 60 }, { courier: false, clock });
    await seedSectigo(svc);
  });
  afterEach(async () => svc.close());

  const dcv = (extra: Record<string, string>) => sectigo(svc, 'ResendDCVEmail', { ...login, ...extra });
  const smime = (extra: Record<string, string>) => sectigo(svc, 'ResendVerificationEmailSMIME', { ...login, ...extra });
  const form = (body: string) => Object.fromEntries(new URLSearchParams(body));

  it('-2 names the unrecognised argument', async () => {
    const r = await dcv({ orderNumber: '1234567', bogus: 'x' });
    expect(r.type).toMatch(/^application\/x-www-form-urlencoded/);
    expect(r.body).toBe('errorCode=-2&errorMessage=%27bogus%27+is+an+unrecognized+argument%21&errorItem=bogus');
  });

  it('-3 names the missing argument; neither order number names orderNumber', async () => {
    expect(form((await sectigo(svc, 'ResendDCVEmail', { loginName: 'login_name' })).body)).toEqual({
      errorCode: '-3',
      errorMessage: "The 'loginPassword' argument is missing!",
      errorItem: 'loginPassword',
    });
    expect(form((await dcv({})).body)).toMatchObject({ errorCode: '-3', errorItem: 'orderNumber' });
    expect((await smime({})).body).toBe("-3\nThe 'orderNumber' argument is missing!");
  });

  it('-4 for a value too long, not a number, unknown, or not the certificate’s', async () => {
    expect(form((await sectigo(svc, 'ResendDCVEmail', { ...login, loginName: 'x'.repeat(65), orderNumber: '1' })).body)).toMatchObject({
      errorCode: '-4',
      errorItem: 'loginName',
    });
    expect(form((await dcv({ orderNumber: '12a' })).body)).toMatchObject({ errorCode: '-4', errorItem: 'orderNumber' });
    expect(form((await dcv({ orderNumber: '999' })).body)).toMatchObject({ errorCode: '-4', errorItem: 'orderNumber' });
    expect(form((await dcv({ orderNumber: '1234567', dcvTemplateID: '77' })).body)).toMatchObject({
      errorCode: '-4',
      errorItem: 'dcvTemplateID',
    });
    expect(form((await dcv({ orderNumber: '1234567', dcvEmailAddress: 'hostmaster@example.com' })).body)).toMatchObject({
      errorCode: '-4',
      errorItem: 'dcvEmailAddress',
    });
    expect((await smime({ orderNumber: '123456789', emailAddress: 'alice@example.com,mallory@example.com' })).body).toBe(
      "-4\nThe value of the 'emailAddress' argument is invalid!",
    );
    expect((await smime({ orderNumber: 'x'.repeat(129) })).body).toBe("-4\nThe value of the 'orderNumber' argument is invalid!");
    expect((await smime({ orderNumber: '123456789', emailAddress: 'a'.repeat(32001) })).body).toBe(
      "-4\nThe value of the 'emailAddress' argument is invalid!",
    );
  });

  it('-16 for a wrong password, an unknown login, and a locked account even with the right password', async () => {
    const wrong = await dcv({ orderNumber: '1234567', loginPassword: 'nope' });
    // Byte for byte the sample error response of seed 001, errorItem unencoded as there.
    expect(wrong.body).toBe(
      'errorCode=-16&errorMessage=Incorrect+login+details%2C+account+is+locked%2C+password+has+expired+or+your+source+IP+is+blocked.&errorItem=Incorrect login details or account is locked.',
    );
    expect((await dcv({ orderNumber: '1234567', loginName: 'nobody' })).body).toBe(wrong.body);
    for (let i = 1; i < 10; i++) await dcv({ orderNumber: '1234567', loginPassword: 'nope' });
    expect((await dcv({ orderNumber: '1234567' })).body).toBe(wrong.body);
    const audit = await svc.rt.store.audit.listEvents({ limit: 30 });
    const events = audit.map((e) => e.type);
    // Failures are counted per login, client and hour: 10 for login_name and 1 for nobody.
    expect(
      audit
        .filter((e) => e.type === 'login.failed')
        .map((e) => e.count ?? 1)
        .sort(),
    ).toEqual([1, 10]);
    expect(events).toContain('login.locked');
    expect(events).toContain('login.refused_locked');
    clock.advance(15 * 60_000 + 1);
    expect((await dcv({ orderNumber: '1234567' })).body).toBe('errorCode=0');
  });

  it('-17 for a GET, whatever its parameters, in the endpoint’s format', async () => {
    const get = await fetch(`${svc.url}/products/!ResendDCVEmail?loginName=login_name&loginPassword=login_password&orderNumber=1234567`);
    expect(await get.text()).toBe('errorCode=-17&errorMessage=Request+used+GET+rather+than+POST%21');
    const smimeGet = await fetch(`${svc.url}/products/!ResendVerificationEmailSMIME`);
    expect(await smimeGet.text()).toBe('-17\nRequest used GET rather than POST!');
  });

  it('-90 for a voucher order of an account without the voucher permission', async () => {
    expect((await dcv({ orderNumber: '2000002' })).body).toBe(
      'errorCode=-90&errorMessage=Permission+denied+for+using+%27voucher%27+with+%27orderNumber%27.',
    );
  });

  it('-160 for an order not awaiting DCV', async () => {
    expect((await dcv({ orderNumber: '2000001' })).body).toBe(
      'errorCode=-160&errorMessage=The+attempt+to+resend+DCV+emails+did+not+succeed.',
    );
  });

  it('S/MIME order states: -122, -123, -124, -26', async () => {
    expect((await smime({ orderNumber: 'S-REVOKED' })).body).toBe(
      '-122\nThe certificate is not in a state that allows the requested operation.',
    );
    expect((await smime({ orderNumber: 'S-AGREEMENT' })).body).toBe('-123\nThe required agreement has not been accepted.');
    expect((await smime({ orderNumber: 'S-ACTIONS' })).body).toBe(
      '-124\nThe certificate has pending actions that must be completed before proceeding.',
    );
    expect((await smime({ orderNumber: 'S-ISSUING' })).body).toBe('-26\nThe certificate has not been issued yet.');
  });

  it('-42 when the cooldown refuses, and nothing is queued', async () => {
    const queued = (await svc.rt.store.messages.queueDepth()).queued;
    expect((await dcv({ orderNumber: '1234567' })).body).toBe('errorCode=-42&errorMessage=Call+limit+reached%21+Please+try+again+later.');
    expect((await svc.rt.store.messages.queueDepth()).queued).toBe(queued);
    clock.advance(60_000);
    expect((await dcv({ orderNumber: '1234567' })).body).toBe('errorCode=0');
  });

  it('-14 for a body the service cannot read', async () => {
    const r = await sectigo(svc, 'ResendDCVEmail', 'x'.repeat(300_000));
    expect(r.status).toBe(200);
    expect(r.body).toBe('errorCode=-14&errorMessage=An+unknown+error+occurred%21');
  });

  it('-1 over plain HTTP when HTTPS is required; X-Forwarded-Proto counts only from a trusted proxy', async () => {
    await svc.close();
    svc = await startService({ requireHttps: true, resendCooldown: 0, trustedProxies: ['127.0.0.1'] }, { courier: false });
    await seedSectigo(svc);
    expect((await dcv({ orderNumber: '1234567' })).body).toBe('errorCode=-1&errorMessage=Request+was+not+made+over+https%21');
    const proxied = await sectigo(
      svc,
      'ResendDCVEmail',
      { ...login, orderNumber: '1234567' },
      { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https' } },
    );
    expect(proxied.body).toBe('errorCode=0');
    await svc.close();
    svc = await startService({ requireHttps: true, trustedProxies: ['10.9.9.9'] }, { courier: false });
    await seedSectigo(svc);
    const untrusted = await sectigo(
      svc,
      'ResendDCVEmail',
      { ...login, orderNumber: '1234567' },
      { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https' } },
    );
    expect(untrusted.body).toBe('errorCode=-1&errorMessage=Request+was+not+made+over+https%21');
  });
});
