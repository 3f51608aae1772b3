import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedRequest } from './helpers/alibaba.js';
import { eventually } from './helpers/eventually.js';
import { ADMIN_TOKEN, ManualClock, startService, type TestService } from './helpers/service.js';

/** A tiny cookie jar over fetch, with redirects left to the test. */
class Visitor {
  private readonly cookies = new Map<string, string>();
  constructor(
    private readonly base: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async request(method: string, path: string, form?: Record<string, string>) {
    const res = await fetch(this.base + path, {
      method,
      redirect: 'manual',
      headers: {
        ...this.headers,
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (name) this.cookies.set(name, value ?? '');
    }
    return {
      status: res.status,
      location: res.headers.get('location'),
      setCookie: res.headers.getSetCookie(),
      headers: res.headers,
      text: await res.text(),
    };
  }

  csrfOf(page: string) {
    return /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  }

  async signIn(secret: string) {
    const form = await this.request('GET', '/console/sign-in');
    return this.request('POST', '/console/sign-in', { _csrf: this.csrfOf(form.text), secret });
  }
}

describe('console sessions over HTTP', () => {
  let svc: TestService;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    svc = await startService({ trustedProxies: ['127.0.0.1'], authFailuresPerMinute: 5 }, { clock, courier: false });
  });
  afterAll(async () => svc?.close());

  it('GET / sends a browser to the console; Alibaba RPC on / answers as before', async () => {
    const browser = await fetch(`${svc.url}/`, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/console');
    const rpc = await fetch(`${svc.url}/?Action=ResendEmailVerification&Format=JSON`, { headers: { accept: 'text/html' } });
    expect(rpc.status).toBe(400);
    expect(await rpc.json()).toMatchObject({ Code: 'MissingVersion' });
    const curl = await fetch(`${svc.url}/`, { headers: { accept: '*/*' } });
    expect(curl.status).toBe(400);
    expect(await curl.text()).toContain('<Code>MissingAction</Code>');
  });

  it('the session cookie is HttpOnly, SameSite=Strict, Secure under HTTPS, and expires; sign-in needs the CSRF token', async () => {
    const https = new Visitor(svc.url, { 'x-forwarded-proto': 'https' });
    const signedIn = await https.signIn(ADMIN_TOKEN);
    expect(signedIn.status).toBe(303);
    const session = signedIn.setCookie.find((c) => c.startsWith('reverify_console='))!;
    expect(session).toMatch(/; Path=\/console; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$/);
    expect((await https.request('GET', '/console/overview')).status).toBe(200);

    const plain = new Visitor(svc.url);
    await plain.request('GET', '/console/sign-in');
    const forged = await plain.request('POST', '/console/sign-in', { secret: ADMIN_TOKEN });
    expect(forged.status).toBe(403);
    expect(forged.setCookie.some((c) => c.startsWith('reverify_console='))).toBe(false);

    const ok = await plain.signIn(ADMIN_TOKEN);
    expect(ok.setCookie.find((c) => c.startsWith('reverify_console='))).not.toContain('Secure');
    clock.advance(8 * 3_600_000 + 1);
    const expired = await plain.request('GET', '/console/overview');
    expect(expired.status).toBe(303);
    expect(expired.location).toBe('/console/sign-in');
  });

  it('a revoked API key ends its console session at once', async () => {
    await svc.call('POST', '/v1/accounts', { name: 'revoked-co' });
    const key = (await svc.call('POST', '/v1/accounts/revoked-co/keys', { role: 0 })).json;
    const visitor = new Visitor(svc.url);
    expect((await visitor.signIn(key.key)).location).toBe('/console/overview');
    const page = await visitor.request('GET', '/console/verifications');
    expect(page.status).toBe(200);
    expect(page.text).toContain('revoked-co (API key …');
    expect((await svc.call('DELETE', `/v1/accounts/revoked-co/keys/${key.id}`)).status).toBe(204);
    expect((await visitor.request('GET', '/console/verifications')).location).toBe('/console/sign-in');
  });

  it('a key that may only manage keys lands on its keys', async () => {
    await svc.call('POST', '/v1/accounts', { name: 'keys-only' });
    const key = (await svc.call('POST', '/v1/accounts/keys-only/keys', { role: 103 })).json;
    const visitor = new Visitor(svc.url);
    const signedIn = await visitor.signIn(key.key);
    expect(signedIn.location).toBe(`/console/accounts/${key.account_id}`);
    expect((await visitor.request('GET', signedIn.location!)).status).toBe(200);
    expect((await visitor.request('GET', '/console/overview')).status).toBe(403);
  });

  it('each role sees of an account what the core allows: keys, webhook endpoints, the forms to change them', async () => {
    await svc.call('POST', '/v1/accounts', { name: 'roles-co' });
    const visitorOf = async (role: number) => {
      const key = (await svc.call('POST', '/v1/accounts/roles-co/keys', { role })).json;
      const visitor = new Visitor(svc.url);
      await visitor.signIn(key.key);
      return { visitor, page: `/console/accounts/${key.account_id}` };
    };
    const register = async (v: Visitor, page: string, url: string) =>
      v.request('POST', `${page}/webhooks`, {
        _csrf: v.csrfOf((await v.request('GET', page)).text),
        url,
        events: 'verification.created',
      });

    const keysOnly = await visitorOf(103);
    const keysPage = (await keysOnly.visitor.request('GET', keysOnly.page)).text;
    expect(keysPage).toContain('API keys');
    expect(keysPage).not.toContain('Webhook endpoints');
    expect((await keysOnly.visitor.request('GET', '/console/suppressions')).status).toBe(403);
    expect((await keysOnly.visitor.request('GET', '/console/templates')).status).toBe(403);

    const subjects = await visitorOf(101);
    const subjectsPage = (await subjects.visitor.request('GET', subjects.page)).text;
    expect(subjectsPage).toContain('Register endpoint');
    expect(subjectsPage).not.toContain('API keys');
    const refused = await register(subjects.visitor, subjects.page, 'https://10.0.0.1/hooks');
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Not registered: The URL points at a private, loopback or link-local address');
    expect(refused.text).toContain('value="https://10.0.0.1/hooks"');

    const viewer = await visitorOf(102);
    const viewerPage = (await viewer.visitor.request('GET', viewer.page)).text;
    expect(viewerPage).toContain('Webhook endpoints');
    expect(viewerPage).not.toContain('Register endpoint');
    expect((await register(viewer.visitor, viewer.page, 'https://hooks.example.com/in')).status).toBe(403);
    expect((await svc.call('GET', '/v1/webhooks?account=roles-co')).json.items).toEqual([]);

    const created = await register(subjects.visitor, subjects.page, 'https://hooks.example.com/in');
    expect(created.status).toBe(201);
    expect(created.text).toMatch(/<span class="secret">whsec_[A-Za-z0-9+/=]+<\/span>/);
    expect((await svc.call('GET', '/v1/webhooks?account=roles-co')).json.items).toHaveLength(1);
  });

  it('the verification filters (state, purpose, account, origin, recipient) each narrow the list to what they name', async () => {
    expect((await svc.call('POST', '/v1/accounts', { name: 'filters-co' })).status).toBe(201);
    const make = async (body: Record<string, unknown>) => (await svc.call('POST', '/v1/verifications', body)).json.id as string;
    await make({ recipient: 'f-pending@filters.example', purpose: 'email_ownership', account: 'filters-co' });
    await make({ recipient: 'f-activation@filters.example', purpose: 'account_activation' });
    const cancelled = await make({ recipient: 'f-cancelled@filters.example', purpose: 'email_ownership' });
    expect((await svc.call('POST', `/v1/verifications/${cancelled}/cancel`)).status).toBe(200);
    expect((await svc.call('POST', '/v1/email-identities', { email: 'f-identity@filters.example', account: 'filters-co' })).status).toBe(
      201,
    );
    const visitor = new Visitor(svc.url);
    await visitor.signIn(ADMIN_TOKEN);
    const listed = async (query: string) => {
      const page = await visitor.request('GET', `/console/verifications?${query}`);
      expect(page.status).toBe(200);
      return [...page.text.matchAll(/>(f-[a-z]+)@filters\.example</g)].map((m) => m[1]).sort();
    };
    expect(await listed('')).toEqual(['f-activation', 'f-cancelled', 'f-identity', 'f-pending']);
    expect(await listed('state=cancelled')).toEqual(['f-cancelled']);
    expect(await listed('purpose=account_activation')).toEqual(['f-activation']);
    expect(await listed('account=filters-co')).toEqual(['f-identity', 'f-pending']);
    expect(await listed('origin=email_identity')).toEqual(['f-identity']);
    expect(await listed('origin=none&account=filters-co')).toEqual(['f-pending']);
    expect(await listed('recipient=f-pending%40filters.example')).toEqual(['f-pending']);
    expect(await listed('state=confirmed&account=filters-co')).toEqual([]);
  });

  it('a verification’s timeline shows its cancellation, and its expiry once the upkeep has found it', async () => {
    const make = async (recipient: string) =>
      (await svc.call('POST', '/v1/verifications', { recipient, purpose: 'email_ownership' })).json.id as string;
    const cancelled = await make('t-cancelled@timeline.example');
    const expiring = await make('t-expiring@timeline.example');
    expect((await svc.call('POST', `/v1/verifications/${cancelled}/cancel`)).status).toBe(200);
    const visitor = new Visitor(svc.url);
    await visitor.signIn(ADMIN_TOKEN);
    const timeline = async (id: string) => (await visitor.request('GET', `/console/verifications/${id}`)).text;
    expect(await timeline(cancelled)).toContain('Cancelled');
    expect(await timeline(expiring)).not.toContain('Expired without confirmation');
    clock.advance(73 * 3_600_000);
    await svc.rt.upkeep();
    expect((await svc.call('GET', `/v1/verifications/${expiring}`)).json.state).toBe('expired');
    await visitor.signIn(ADMIN_TOKEN);
    expect(await timeline(expiring)).toContain('Expired without confirmation');
    expect(await timeline(cancelled)).not.toContain('Expired without confirmation');
  });

  it('an access key revoked from the console stops signing Alibaba calls at once; the form needs its CSRF token', async () => {
    expect((await svc.call('POST', '/v1/accounts', { name: 'ak-co' })).status).toBe(201);
    const pair = (await svc.call('POST', '/v1/accounts/ak-co/access-keys')).json as { id: string; secret: string };
    const list = async () => {
      // Signed at the service's own (manual) time, which earlier tests moved on.
      const timestamp = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const res = await signedRequest(svc.url, { Action: 'ListEmailVerification' }, { id: pair.id, secret: pair.secret, timestamp });
      return [res.status, ((await res.json()) as { Code?: string }).Code ?? 'ok'];
    };
    expect(await list()).toEqual([200, 'ok']);
    const visitor = new Visitor(svc.url);
    await visitor.signIn(ADMIN_TOKEN);
    const page = await visitor.request('GET', '/console/accounts/ak-co');
    expect(page.text).toContain(pair.id);
    const action = `/console/accounts/ak-co/access-keys/${pair.id}/revoke`;
    expect((await visitor.request('POST', action, { _csrf: 'forged' })).status).toBe(403);
    expect(await list()).toEqual([200, 'ok']);
    const revoked = await visitor.request('POST', action, { _csrf: visitor.csrfOf(page.text) });
    expect([revoked.status, revoked.location]).toEqual([303, '/console/accounts/ak-co?notice=revoked']);
    expect(await list()).toEqual([400, 'InvalidAccessKeyId.Inactive']);
  });

  it('a captured mail’s HTML is served sandboxed like a preview: no script, nothing remote, framed by the console only', async () => {
    await svc.call('POST', '/v1/verifications', { recipient: 'framed@example.com', purpose: 'email_ownership' });
    // This service's courier is stopped: deliver into the captured inbox by hand.
    await svc.rt.courier.drainOnce();
    const mail = (await svc.call('GET', '/v1/inbox?to=framed@example.com')).json.items;
    expect(mail).toHaveLength(1);
    const path = `/console/inbox/${mail[0].id}/html`;
    expect((await fetch(`${svc.url}${path}`, { redirect: 'manual' })).status).toBe(303);
    const visitor = new Visitor(svc.url);
    await visitor.signIn(ADMIN_TOKEN);
    const page = await visitor.request('GET', `/console/inbox/${mail[0].id}`);
    expect(page.text).toContain(`sandbox="allow-popups allow-popups-to-escape-sandbox" src="${path}"`);
    const framed = await visitor.request('GET', path);
    expect(framed.status).toBe(200);
    expect(framed.text).toContain('/verify?token=');
    const csp = framed.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'.*img-src data:.*frame-ancestors 'self'.*sandbox allow-popups/);
    expect(csp).not.toMatch(/script-src|unsafe-eval/);
    expect(framed.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('a template preview’s HTML is served sandboxed: no script, nothing remote, framed by the console only', async () => {
    const visitor = new Visitor(svc.url);
    await visitor.signIn(ADMIN_TOKEN);
    const page = await visitor.request('GET', '/console/templates?purpose=dcv&locale=fr');
    expect(page.status).toBe(200);
    const src = /<iframe class="mail"[^>]* sandbox="allow-popups allow-popups-to-escape-sandbox" src="([^"]+)"/.exec(page.text)?.[1];
    expect(src).toBe('/console/templates/preview.html?purpose=dcv&amp;locale=fr');
    const signedOut = await fetch(`${svc.url}/console/templates/preview.html?purpose=dcv&locale=fr`, { redirect: 'manual' });
    expect(signedOut.status).toBe(303);
    const framed = await visitor.request('GET', '/console/templates/preview.html?purpose=dcv&locale=fr');
    expect(framed.status).toBe(200);
    expect(framed.text).toContain('<base target="_blank">');
    expect(framed.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'self'.*sandbox allow-popups/);
    expect(framed.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect((await visitor.request('GET', '/console/templates?purpose=dcv&locale=not%20a%20locale')).status).toBe(400);
  });

  it('failed sign-ins go through the authenticator: throttled per client, valid credentials still pass', async () => {
    const guesser = new Visitor(svc.url, { 'x-forwarded-for': '203.0.113.9' });
    const answers: number[] = [];
    for (let i = 0; i < 7; i++) answers.push((await guesser.signIn(`wrong-token-${i}-0123456789`)).status);
    expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    const throttled = await guesser.signIn('wrong-token-again-0123456789');
    expect(throttled.status).toBe(429);
    expect(throttled.text).toMatch(/Too many failed sign-ins from this address\. Try again in \d+ (seconds?|minutes?)\./);
    expect((await guesser.signIn(ADMIN_TOKEN)).location).toBe('/console/overview');
  });

  it('a CSRF token of one session is refused in another', async () => {
    const a = new Visitor(svc.url);
    const b = new Visitor(svc.url);
    await a.signIn(ADMIN_TOKEN);
    await b.signIn(ADMIN_TOKEN);
    const tokenOfA = a.csrfOf((await a.request('GET', '/console/accounts')).text);
    const refused = await b.request('POST', '/console/accounts', { _csrf: tokenOfA, name: 'csrf-co' });
    expect(refused.status).toBe(403);
    expect((await svc.call('GET', '/v1/accounts/csrf-co')).status).toBe(404);
    const accepted = await a.request('POST', '/console/accounts', { _csrf: tokenOfA, name: 'csrf-co' });
    expect(accepted.status).toBe(303);
  });
});

describe('the console’s messages page', () => {
  it('shows a deferred email with its next attempt, the time the courier will try again', async () => {
    const svc = await startService({ sandbox: true, resendCooldown: 0, courierRetryBaseMs: 600_000, courierRetryMaxMs: 600_000 });
    try {
      expect((await svc.call('POST', '/v1/sandbox/faults', { target: 'mail', effect: { kind: 'defer' }, count: 1 })).status).toBe(201);
      await svc.call('POST', '/v1/verifications', { recipient: 'later@example.com', purpose: 'email_ownership' });
      type Listed = { recipient: string; next_attempt_at: string };
      const items = await eventually(
        async () => (await svc.call('GET', '/v1/messages?status=deferred')).json.items as Listed[],
        (listed) => listed.some((m) => m.recipient === 'later@example.com'),
      );
      const deferred = items.find((m) => m.recipient === 'later@example.com') as Listed;
      expect(Date.parse(deferred.next_attempt_at) - Date.now()).toBeGreaterThan(60_000);
      const visitor = new Visitor(svc.url);
      await visitor.signIn(ADMIN_TOKEN);
      const page = await visitor.request('GET', '/console/messages?status=deferred');
      const row = /<tr><td><a href="\/console\/messages\/[^"]+">later@example\.com<\/a>.*?<\/tr>/s.exec(page.text)?.[0] ?? '';
      expect(row).toContain('deferred');
      expect(row).toContain(`<time datetime="${deferred.next_attempt_at}">`);
    } finally {
      await svc.close();
    }
  });
});
