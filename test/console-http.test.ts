import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    return { status: res.status, location: res.headers.get('location'), setCookie: res.headers.getSetCookie(), text: await res.text() };
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
