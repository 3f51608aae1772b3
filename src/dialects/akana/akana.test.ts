import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/helpers/eventually.js';
import { ManualClock, startService, type TestService } from '../../../test/helpers/service.js';
import { SmtpSink } from '../../../test/helpers/smtp-sink.js';
import { seedFixture } from '../../fixtures/load-fixtures.js';

const curl = promisify(execFile);

const post = (
  svc: TestService,
  path: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' },
  method = 'POST',
) =>
  fetch(`${svc.url}/api/users/${path}`, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body }).then(
    async (r) => ({
      status: r.status,
      headers: r.headers,
      text: await r.text(),
    }),
  );

const linkIn = (text: string) => new URL(/https?:\/\/\S+\/verify\?token=[A-Za-z0-9_-]+/.exec(text)?.[0] ?? 'http://x/');

describe('Akana sign-up over a real SMTP server', () => {
  let sink: SmtpSink;
  let svc: TestService;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    svc = await startService({ smtpUrl: sink.url, resendCooldown: 0 });
    await seedFixture(svc.rt, { users: [{ emailAddress: 'jane.saoirse@acmepaymentscorp.com', state: 'pending_activation' }] });
    await sink.waitForMails(1);
  });
  afterAll(async () => {
    await svc.close();
    await sink.stop();
  });

  it('the seed’s sample request: 200, no content, one activation email whose link activates in the confirm page', async () => {
    const { stdout } = await curl('curl', [
      '--silent',
      '--include',
      '-X',
      'POST',
      `${svc.url}/api/users/resendActivation`,
      '-H',
      'Accept: */*',
      '-H',
      'Content-Type: application/x-www-form-urlencoded; charset=UTF-8',
      '--data',
      'emailAddress=jane.saoirse@acmepaymentscorp.com',
    ]);
    const [head, body] = stdout.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1.1 200 OK/);
    expect(head?.toLowerCase()).toContain('cache-control: no-cache');
    expect(body).toBe('');
    const [, mail] = await sink.waitForMails(2);
    expect(mail?.to).toEqual(['jane.saoirse@acmepaymentscorp.com']);
    expect(mail?.subject).toBe('Activate your account');
    const link = linkIn(mail?.text ?? '');
    const confirmed = await fetch(`${svc.url}/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: link.searchParams.get('token') ?? '' }),
    });
    expect(confirmed.status).toBe(200);
    const signup = await svc.rt.store.subjects.findSubjectByNumber(null, ['signup'], 'jane.saoirse@acmepaymentscorp.com');
    expect(signup?.state).toBe('activated');
    // Activated: the same request answers the same, and sends nothing.
    const after = await post(svc, 'resendActivation', 'emailAddress=jane.saoirse@acmepaymentscorp.com');
    expect([after.status, after.text]).toEqual([200, '']);
    await eventually(
      async () => (await svc.rt.store.audit.listEvents({ limit: 5 })).map((e) => e.type),
      (types) => types.includes('signup.resend_ignored'),
    );
    expect(sink.mails).toHaveLength(2);
  });

  it('wrong verbs are 405, bad addresses 400, unsupported Accept or content type 404', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const r = await post(
        svc,
        'resendActivation',
        'emailAddress=a@example.com',
        { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        method,
      );
      expect([method, r.status, r.headers.get('allow')]).toEqual([method, 405, 'POST']);
      expect(JSON.parse(r.text)).toEqual({ code: 405, message: 'Method Not Allowed.' });
    }
    for (const body of ['', 'emailAddress=', 'emailAddress=not-an-address', 'emailAddress=a%0D%0Ab@example.com', 'other=1']) {
      expect((await post(svc, 'resendActivation', body)).status).toBe(400);
    }
    expect(
      (
        await post(svc, 'resendActivation', 'emailAddress=a@example.com', {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'text/html',
        })
      ).status,
    ).toBe(404);
    expect((await post(svc, 'resendActivation', '{"emailAddress":"a@example.com"}', { 'content-type': 'application/json' })).status).toBe(
      404,
    );
    expect(
      (
        await post(svc, 'resendActivation', 'emailAddress=a@example.com', {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/vnd.soa.v81+json',
        })
      ).status,
    ).toBe(200);
  });

  it('signupUser, verifySignup and completeSignup; an activated address cannot sign up again', async () => {
    const before = sink.mails.length;
    const started = await post(svc, 'signupUser', JSON.stringify({ EmailAddress: 'new.user@example.com', FirstName: 'New' }), {
      'content-type': 'application/json',
    });
    expect([started.status, started.text]).toEqual([200, '']);
    const [mail] = (await sink.waitForMails(before + 1)).slice(before);
    expect(mail?.text).toContain('Hello New');
    const code = linkIn(mail?.text ?? '').searchParams.get('token') ?? '';
    expect((await post(svc, 'verifySignup', `signupCode=${code}`)).status).toBe(200);
    const bad = await post(svc, 'verifySignup', 'signupCode=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect([bad.status, JSON.parse(bad.text).message]).toEqual([400, 'The sign-up code is not valid.']);
    const complete = (extra: Record<string, string> = {}) =>
      post(
        svc,
        'completeSignup',
        JSON.stringify({
          FirstName: 'New',
          LastName: 'User',
          EmailAddress: 'new.user@example.com',
          Password: 'Sturdy-Pass-42',
          SignupCode: code,
          ...extra,
        }),
        {
          'content-type': 'application/json',
        },
      );
    expect((await complete({ EmailAddress: 'someone.else@example.com' })).status).toBe(400);
    expect((await complete()).status).toBe(200);
    const user = await svc.rt.store.subjects.findSubjectByNumber(null, ['signup'], 'new.user@example.com');
    expect(user?.state).toBe('activated');
    expect(user?.attributes.passwordHash).toMatch(/^scrypt\$/);
    expect((await complete()).status).toBe(400);
    const again = await post(svc, 'signupUser', 'EmailAddress=new.user@example.com', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect([again.status, again.text]).toEqual([200, '']);
    await eventually(
      async () => (await svc.rt.store.audit.listEvents({ limit: 5 })).map((e) => e.type),
      (types) => types.includes('signup.exists'),
    );
    expect(sink.mails).toHaveLength(before + 1);
  });
});

describe('Akana: an expired code sends a new one', () => {
  it('verifySignup with an expired code answers that it expired and mails a fresh code', async () => {
    const clock = new ManualClock();
    const svc = await startService({ resendCooldown: 0 }, { clock });
    try {
      await seedFixture(svc.rt, { users: [{ emailAddress: 'late@example.com' }] });
      const inbox = await eventually(
        async () => (await svc.call('GET', '/v1/inbox?to=late@example.com')).json.items,
        (items: any[]) => items.length === 1,
      );
      const code = new URL(inbox[0].links[0]).searchParams.get('token') ?? '';
      clock.advance(72 * 3600_000 + 1);
      const r = await post(svc, 'verifySignup', `signupCode=${code}`);
      expect([r.status, JSON.parse(r.text).message]).toEqual([
        400,
        'The sign-up code has expired. A new one has been sent to the address.',
      ]);
      const fresh = await eventually(
        async () => (await svc.call('GET', '/v1/inbox?to=late@example.com')).json.items,
        (items: any[]) => items.length === 2,
      );
      const newCode = new URL(fresh[0].links[0]).searchParams.get('token') ?? '';
      expect(newCode).not.toBe(code);
      expect((await post(svc, 'verifySignup', `signupCode=${newCode}`)).status).toBe(200);
    } finally {
      await svc.close();
    }
  });
});

describe('Akana: per-IP ceiling, with the client IP taken from trusted proxies only', () => {
  it('refuses silently past the ceiling for one client IP; another IP still gets its email', async () => {
    const svc = await startService({ resendCooldown: 0, ipMaxPerHour: 2, trustedProxies: ['127.0.0.1'] }, { courier: false });
    try {
      await seedFixture(svc.rt, { users: [{ emailAddress: 'ip.user@example.com' }, { emailAddress: 'ip.other@example.com' }] });
      const send = (email: string, ip: string) =>
        post(svc, 'resendActivation', `emailAddress=${email}`, {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': ip,
        });
      const sent = async () => {
        await svc.rt.requestWorker.drain();
        return (await svc.rt.store.messages.listMessages({ limit: 100 })).items.length;
      };
      const seeded = await sent();
      for (let i = 0; i < 3; i++) expect((await send('ip.user@example.com', '203.0.113.1')).status).toBe(200);
      expect(await sent()).toBe(seeded + 2);
      const refusal = (await svc.rt.store.audit.listEvents({ limit: 20 })).find((e) => e.type === 'quota.refused');
      expect(refusal?.detail).toMatchObject({ rule: 'ip_hourly' });
      expect((await send('ip.other@example.com', '198.51.100.2')).status).toBe(200);
      expect(await sent()).toBe(seeded + 3);
    } finally {
      await svc.close();
    }
  });

  it('ignores X-Forwarded-For from a proxy that is not trusted', async () => {
    const svc = await startService({ resendCooldown: 0, ipMaxPerHour: 1 }, { courier: false });
    try {
      await seedFixture(svc.rt, { users: [{ emailAddress: 'spoof@example.com' }] });
      for (const ip of ['192.0.2.1', '192.0.2.2']) {
        await post(svc, 'resendActivation', 'emailAddress=spoof@example.com', {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': ip,
        });
      }
      await svc.rt.requestWorker.drain();
      // Both requests count against the real peer (127.0.0.1): only the first is sent.
      const messages = (await svc.rt.store.messages.listMessages({ limit: 10 })).items;
      expect(messages).toHaveLength(2);
      expect(messages.every((m) => m.recipient === 'spoof@example.com')).toBe(true);
    } finally {
      await svc.close();
    }
  });
});
