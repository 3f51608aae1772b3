import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFixture } from '../src/fixtures/load-fixtures.js';
import { ACCESS_KEY, signedRequest } from './helpers/alibaba.js';
import { reverifyCli } from './helpers/cli.js';
import { dsn, sendToBouncePort } from './helpers/dsn.js';
import { eventually } from './helpers/eventually.js';
import { ADMIN_TOKEN, startService, type TestService } from './helpers/service.js';
import { type SinkMail, SmtpSink } from './helpers/smtp-sink.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';

const BOUNCES = 'bounces.reverify.test';
const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const DEVKEY = 'DC0123456789ABCDEF0123456789ABCD';
const SHARED = 'admin@example.com';
const SIGNUP = 'jane@example.net';

const fixture = (hook: string) => ({
  accounts: [
    {
      name: 'acme',
      loginName: 'acme_api',
      loginPassword: 'Correct-Horse-9',
      apiKeys: [{ key: DEVKEY, role: 0 }],
      accessKeys: [{ id: ACCESS_KEY.id, secret: ACCESS_KEY.secret }],
    },
  ],
  webhooks: [{ account: 'acme', url: hook, events: ['message.bounced'], secret: SECRET }],
  // One address in every dialect's flow of one account, and a sign-up (mail of no account).
  orders: [
    { account: 'acme', type: 'smime', orderNumber: '100001', emails: [SHARED], state: 'issued' },
    { account: 'acme', type: 'ssl', orderNumber: 200001, domains: ['example.com'], dcvEmail: SHARED, state: 'awaiting_dcv' },
  ],
  emailVerifications: [{ account: 'acme', email: SHARED }],
  users: [{ emailAddress: SIGNUP, state: 'pending_activation' }],
});

describe('bounces and suppression, end to end', () => {
  let sink: SmtpSink;
  let receiver: WebhookReceiver;
  let svc: TestService;
  let seeded: SinkMail[];

  const messagesTo = async (recipient: string) => {
    const all = await svc.rt.store.messages.listMessages({ limit: 100, channel: 'email' });
    return all.items.filter((m) => m.recipient === recipient);
  };
  const sectigo = async (name: string, form: Record<string, string>) => {
    const res = await fetch(`${svc.url}/products/!${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ loginName: 'acme_api', loginPassword: 'Correct-Horse-9', ...form }),
    });
    return res.text();
  };
  const verpOf = (mail: SinkMail | undefined) => mail?.mailFrom ?? '';

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    receiver = await new WebhookReceiver().start();
    svc = await startService({
      sandbox: true,
      smtpUrl: sink.url,
      resendCooldown: 0,
      resendMaxPerDay: 100,
      bounceDomain: BOUNCES,
      bounceSmtpPort: 0,
      bounceMaxBytes: 32_768,
    });
    await seedFixture(svc.rt, fixture(receiver.url));
    seeded = await sink.waitForMails(4);
  });

  afterAll(async () => {
    await receiver?.stop();
    await svc?.close();
    await sink?.stop();
  });

  it('a DSN by SMTP marks the message bounced, suppresses the address, fires the webhook, and every dialect then refuses it', async () => {
    const shared = seeded.find((m) => m.to[0] === SHARED);
    const verp = verpOf(shared);
    const messageId = /^bounce\+(.+)@/.exec(verp)?.[1] ?? '';
    expect(verp).toBe(`bounce+${messageId}@${BOUNCES}`);
    const answer = await sendToBouncePort(svc.bouncePort!, verp, dsn({ to: verp, recipient: SHARED }));
    expect(answer).toMatch(/^250/);

    const message = await eventually(
      async () => (await svc.call('GET', `/v1/messages/${messageId}`)).json,
      (m) => m.status === 'bounced',
    );
    expect(message.bounces).toEqual([expect.objectContaining({ kind: 'hard', status: '5.1.1' })]);
    expect(message.bounces[0].diagnostic).toContain('User unknown');
    const listed = await svc.call('GET', '/v1/suppressions?account=acme');
    expect(listed.json.items).toEqual([expect.objectContaining({ address: SHARED, reason: 'hard_bounce', message_id: messageId })]);
    const [hook] = await receiver.waitFor(1);
    const event = new Webhook(SECRET).verify(hook!.body, hook!.headers as Record<string, string>) as { type: string; data: any };
    expect(event).toMatchObject({ type: 'message.bounced', data: { message_id: messageId, recipient: SHARED, status: '5.1.1' } });

    const before = (await messagesTo(SHARED)).length;
    // Native: 422 with the native code, nothing created or queued.
    const created = await svc.call('POST', '/v1/verifications', { recipient: SHARED, purpose: 'email_ownership', account: 'acme' });
    expect(created.status).toBe(422);
    expect(created.json.error).toMatchObject({ code: 'RECIPIENT_SUPPRESSED', recipients: [SHARED] });
    const identity = (await svc.call('GET', `/v1/verifications?recipient=${SHARED}&purpose=email_ownership`)).json.items[0];
    const resent = await svc.call('POST', `/v1/verifications/${identity.id}/resend`);
    expect([resent.status, resent.json.error.code]).toEqual([422, 'RECIPIENT_SUPPRESSED']);
    // Sectigo: -4 on the S/MIME address, -160 for DCV.
    expect(await sectigo('ResendVerificationEmailSMIME', { orderNumber: '100001' })).toBe(
      "-4\nThe value of the 'emailAddress' argument is invalid!",
    );
    expect(new URLSearchParams(await sectigo('ResendDCVEmail', { orderNumber: '200001' })).get('errorCode')).toBe('-160');
    // DigiCert: its envelope, its own code.
    const digicert = await fetch(`${svc.url}/services/v2/order/certificate/200001/resend-emails`, {
      method: 'PUT',
      headers: { 'x-dc-devkey': DEVKEY, 'content-type': 'application/json' },
    });
    expect(digicert.status).toBe(400);
    expect((await digicert.json()).errors).toEqual([{ code: 'invalid_dcv_email|suppressed', message: expect.stringContaining('bounced') }]);
    // Alibaba: the address in FailList with its own code.
    const alibaba = await (await signedRequest(svc.url, { Action: 'ResendEmailVerification', Email: SHARED })).json();
    expect(alibaba.SuccessList).toEqual([]);
    expect(alibaba.FailList).toEqual([{ Code: 'EmailSuppressed', Email: SHARED, Message: expect.stringContaining('suppression list') }]);
    expect((await messagesTo(SHARED)).length).toBe(before);

    // Lifted: the next resend goes out.
    expect((await svc.call('DELETE', `/v1/suppressions/${SHARED}?account=acme`)).status).toBe(204);
    expect((await svc.call('DELETE', `/v1/suppressions/${SHARED}?account=acme`)).status).toBe(404);
    expect((await svc.call('POST', `/v1/verifications/${identity.id}/resend`)).status).toBe(202);
    const next = await sink.waitForMails(5);
    expect(next[4]?.to).toEqual([SHARED]);
  });

  it('Akana stays silent: a suppressed sign-up address is answered 200 and sent nothing; the CLI lists and lifts it', async () => {
    const mail = seeded.find((m) => m.to[0] === SIGNUP);
    const verp = verpOf(mail);
    expect(await sendToBouncePort(svc.bouncePort!, verp, dsn({ to: verp, recipient: SIGNUP }))).toMatch(/^250/);
    await eventually(
      async () => (await svc.call('GET', '/v1/suppressions')).json.items.map((x: { address: string }) => x.address),
      (addresses) => addresses.includes(SIGNUP),
    );
    const before = (await messagesTo(SIGNUP)).length;
    const res = await fetch(`${svc.url}/api/users/resendActivation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: '*/*' },
      body: `emailAddress=${SIGNUP}`,
    });
    expect([res.status, await res.text()]).toEqual([200, '']);
    await svc.rt.requestWorker.drain();
    await eventually(
      async () => (await svc.rt.store.audit.listEvents({ types: ['suppression.refused'], limit: 10 })).length,
      (n) => n > 0,
    );
    expect((await messagesTo(SIGNUP)).length).toBe(before);

    const env = {
      REVERIFY_DATABASE_URL: `sqlite:${svc.dir}/reverify.db`,
      REVERIFY_ADMIN_TOKEN: ADMIN_TOKEN,
      REVERIFY_SECRET_KEY: svc.rt.settings.secretKey ?? '',
    };
    const list = await reverifyCli(['suppressions', 'list'], env);
    expect(list.stdout).toMatch(new RegExp(`^${SIGNUP}\\t-\\t`, 'm'));
    expect((await reverifyCli(['suppressions', 'lift', SIGNUP], env)).stdout).toBe(`lifted ${SIGNUP}\n`);
    expect((await reverifyCli(['suppressions', 'lift', SIGNUP], env)).stderr).toBe(
      'reverify: SUPPRESSION_NOT_FOUND: No such address on the suppression list.\n',
    );
    expect((await svc.call('GET', '/v1/suppressions')).json.items).toEqual([]);
  });
});

describe('bad input on the bounce port and the bounce endpoint', () => {
  let sink: SmtpSink;
  let svc: TestService;
  let verp: string;
  let messageId: string;

  const state = async () => ({
    suppressions: (await svc.call('GET', '/v1/suppressions')).json.items,
    message: (await svc.call('GET', `/v1/messages/${messageId}`)).json,
    events: (await svc.rt.store.audit.listEvents({ types: ['message.bounced'], limit: 10 })).length,
  });

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    svc = await startService({
      smtpUrl: sink.url,
      bounceDomain: BOUNCES,
      bounceSmtpPort: 0,
      bounceMaxBytes: 16_384,
      bounceToken: 'provider-bounce-token-0123',
    });
    await svc.call('POST', '/v1/accounts', { name: 'acme' });
    await svc.call('POST', '/v1/accounts', { name: 'globex' });
    await svc.call('POST', '/v1/verifications', { recipient: 'alice@example.com', purpose: 'email_ownership', account: 'acme' });
    await svc.call('POST', '/v1/verifications', { recipient: 'bob@example.com', purpose: 'email_ownership', account: 'globex' });
    const mails = await sink.waitForMails(2);
    verp = mails.find((m) => m.to[0] === 'alice@example.com')?.mailFrom ?? '';
    messageId = /^bounce\+(.+)@/.exec(verp)?.[1] ?? '';
    await eventually(
      async () => (await svc.call('GET', `/v1/messages/${messageId}`)).json.status,
      (s) => s === 'sent',
    );
  });

  afterAll(async () => {
    await svc?.close();
    await sink?.stop();
  });

  it('garbage, huge mail, strangers and DSNs for someone else are refused or dropped; nothing changes', async () => {
    const untouched = await state();
    const bobsVerp = sink.mails.find((m) => m.to[0] === 'bob@example.com')?.mailFrom ?? '';
    const port = svc.bouncePort!;
    // Not a return path of ours: refused at RCPT.
    await expect(
      sendToBouncePort(port, 'postmaster@example.org', dsn({ to: 'postmaster@example.org', recipient: 'alice@example.com' })),
    ).rejects.toThrow(/550/);
    await expect(sendToBouncePort(port, `bounce+${messageId}@elsewhere.example`, 'x')).rejects.toThrow(/550/);
    // Accepted and dropped: garbage, a mail that is not a report, a report of another recipient, of a message that does not exist,
    // of another message (returned headers), a delivery that succeeded.
    for (const raw of [
      'garbage\r\n\r\n\u0000\u0001 not mail at all',
      'From: a@example.org\r\nSubject: hello\r\n\r\nJust a reply to your mail.',
      dsn({ to: verp, recipient: 'bob@example.com' }),
      dsn({ to: verp, recipient: 'alice@example.com', returned: { messageId: '<someone-else@example.org>' } }),
      dsn({ to: verp, recipient: 'alice@example.com', action: 'delivered', status: '2.0.0' }),
    ])
      expect(await sendToBouncePort(port, verp, raw)).toMatch(/^250/);
    expect(
      await sendToBouncePort(
        port,
        bobsVerp.replace(/\+[^@]+/, '+00000000-0000-7000-8000-000000000000'),
        dsn({ to: verp, recipient: 'alice@example.com' }),
      ),
    ).toMatch(/^250/);
    // Huge: refused, unread beyond the limit.
    await expect(sendToBouncePort(port, verp, `${dsn({ to: verp, recipient: 'alice@example.com' })}${'x'.repeat(40_000)}`)).rejects.toThrow(
      /552/,
    );
    expect(await state()).toEqual(untouched);
    expect(await svc.metrics()).toMatch(/reverify_bounces_total\{kind="unknown",outcome="dropped"\} 6/);

    // A soft bounce is recorded only.
    expect(await sendToBouncePort(port, verp, dsn({ to: verp, recipient: 'alice@example.com', action: 'delayed' }))).toMatch(/^250/);
    const soft = await eventually(state, (s) => s.message.bounces.length === 1);
    expect(soft.message.bounces[0]).toMatchObject({ kind: 'soft', status: '4.4.1' });
    expect(soft.message.status).toBe('sent');
    expect(soft.suppressions).toEqual([]);
  });

  it('the HTTP endpoint: token required, reports as raw DSN or JSON, bad bodies refused in the native format', async () => {
    const post = (body: string, type: string, token: string | null = 'provider-bounce-token-0123') =>
      fetch(`${svc.url}/v1/bounces`, {
        method: 'POST',
        headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body,
      });
    const before = await state();
    const report = dsn({ to: verp, recipient: 'alice@example.com' });
    expect((await post(report, 'multipart/report', null)).status).toBe(401);
    const accountKey = (await svc.call('POST', '/v1/accounts/acme/keys', { role: 0 })).json.key;
    expect((await post(report, 'multipart/report', accountKey)).status).toBe(401);
    const huge = await post(`${report}${'x'.repeat(20_000)}`, 'message/rfc822');
    expect([huge.status, (await huge.json()).error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const bad = await post(
      JSON.stringify({ recipient: 'alice@example.com', type: 'permanent', message_id: messageId }),
      'application/json',
    );
    expect([bad.status, (await bad.json()).error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const xml = await post('<bounce/>', 'application/xml');
    expect([xml.status, (await xml.json()).error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const stranger = await post(
      JSON.stringify({ recipient: 'mallory@example.com', type: 'hard', message_id: messageId }),
      'application/json',
    );
    expect(await stranger.json()).toEqual({ result: 'dropped', reason: "not the message's recipient" });
    expect(await state()).toEqual(before);

    const json = await post(
      JSON.stringify({ recipient: 'Alice@Example.com', type: 'hard', return_path: verp, status: '5.1.1' }),
      'application/json',
    );
    expect([json.status, await json.json()]).toEqual([202, { result: 'bounced', messageId, kind: 'hard' }]);
    const again = await post(report, 'multipart/report');
    expect(await again.json()).toEqual({ result: 'duplicate', messageId, kind: 'hard' });
    const after = await state();
    expect(after.message.status).toBe('bounced');
    expect(after.suppressions.map((x: { address: string; account_id: string }) => x.address)).toEqual(['alice@example.com']);
    expect(after.events).toBe(1);
  });
});
