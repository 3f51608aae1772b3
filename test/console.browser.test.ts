import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { eventually } from './helpers/eventually.js';
import { ADMIN_TOKEN, freePort, startService, type TestService } from './helpers/service.js';

/** Screenshots of every page, to look at: test-results/console/ (ignored by git). */
const shots = join(process.cwd(), 'test-results', 'console');
const axeSource: string = createRequire(import.meta.url)('axe-core').source;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown }[];
}

/** Every console page passes axe-core with no serious or critical violation. */
const accessibilityProblems = async (page: Page): Promise<string[]> => {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${page.url()}: ${v.id} (${v.impact}) ${v.help}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
};

describe('the console in a real browser', () => {
  let svc: TestService;
  let chrome: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const problems: string[] = [];
  const keys: Record<string, string> = {};

  /** Looks at the page as a person would: a screenshot, then axe-core. */
  const look = async (name: string) => {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    problems.push(...(await accessibilityProblems(page)));
  };

  const signIn = async (secret: string) => {
    await page.goto(`${svc.url}/console`);
    await page.getByLabel('Admin token or API key').fill(secret);
    await Promise.all([page.waitForURL(/\/console\/(overview|sign-in)/), page.getByRole('button', { name: 'Sign in' }).click()]);
  };

  const signOut = async () => {
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Sign out' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Signed out');
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    const port = await freePort();
    svc = await startService({ publicUrl: `http://127.0.0.1:${port}`, resendCooldown: 0, resendMaxPerDay: 2 }, { port });
    for (const name of ['acme', 'globex']) {
      expect((await svc.call('POST', '/v1/accounts', { name })).status).toBe(201);
      keys[name] = (await svc.call('POST', `/v1/accounts/${name}/keys`, { role: 0 })).json.key;
    }
    keys.viewer = (await svc.call('POST', '/v1/accounts/acme/keys', { role: 102, label: 'viewer' })).json.key;
    await svc.call('POST', '/v1/verifications', { recipient: 'alice@acme.example', purpose: 'email_ownership', account: 'acme' });
    await svc.call('POST', '/v1/verifications', { recipient: 'bob@globex.example', purpose: 'account_activation', account: 'globex' });
    await svc.call('POST', '/v1/orders', {
      type: 'ssl',
      orderNumber: 1234567,
      domains: ['example.com', 'www.example.com'],
      dcvEmail: 'admin@example.com',
      locale: 'de',
      account: 'acme',
    });
    chrome = await launchChromium();
    page = await chrome.context.newPage();
  });
  afterAll(async () => {
    await chrome?.close();
    await svc?.close();
  });

  it('sign in, filter, open, Resend, read the mail in the inbox, follow its link, Confirm, see it confirmed', async () => {
    await page.goto(`${svc.url}/`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await look('01-sign-in');

    await signIn('not-the-token-0123456789');
    expect(await page.getByRole('status').textContent()).toContain('not a valid admin token or API key');
    await look('02-sign-in-refused');

    await signIn(ADMIN_TOKEN);
    expect(await page.locator('h1').textContent()).toBe('Overview');
    const session = (await chrome.context.cookies()).find((c) => c.name === 'reverify_console');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console', secure: false });
    expect(session!.expires * 1000).toBeGreaterThan(Date.now());
    await look('03-overview');

    await page.getByRole('link', { name: 'Verifications' }).click();
    await look('04-verifications');
    await page.getByLabel('Recipient').fill('alice@acme.example');
    await Promise.all([page.waitForURL(/recipient=/), page.getByRole('button', { name: 'Filter' }).click()]);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    await page.getByRole('link', { name: 'alice@acme.example' }).click();
    expect(await page.locator('h1').textContent()).toBe('alice@acme.example');
    expect(await page.locator('ol.timeline').textContent()).toContain('Created, and the first email queued');

    await Promise.all([page.waitForURL(/notice=sent/), page.getByRole('button', { name: 'Resend' }).click()]);
    expect(await page.getByRole('status').textContent()).toContain('Sent again');
    await look('05-verification-resent');
    // The third email in a day is over the recipient's ceiling of two: refused, with the time in words.
    await Promise.all([page.waitForURL(/refused=recipient_daily/), page.getByRole('button', { name: 'Resend' }).click()]);
    expect(await page.getByRole('status').textContent()).toMatch(
      /Not sent: this recipient has had as many emails today .* Try again in \d+ hours?( \d+ minutes?)?\.$/,
    );
    expect(await page.locator('ol.timeline').textContent()).toContain('Resend refused');
    await look('06-verification-refused');

    // The resent email, captured, newest first.
    await page.getByRole('link', { name: 'Inbox' }).click();
    await page.getByLabel('Recipient').fill('alice@acme.example');
    await Promise.all([page.waitForURL(/to=/), page.getByRole('button', { name: 'Search' }).click()]);
    await eventually(
      async () => {
        await page.reload();
        return page.locator('tbody tr').count();
      },
      (n) => n === 2,
    );
    await look('07-inbox');
    await page.locator('tbody tr').first().getByRole('link').click();
    expect(await page.locator('iframe.mail').getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    const frame = page.frameLocator('iframe.mail');
    expect(await frame.getByRole('link').first().textContent()).toBeTruthy();
    await look('08-inbox-message');

    const link = page.getByRole('link', { name: /\/verify\?token=/ });
    await link.click();
    expect(new URL(page.url()).pathname).toBe('/verify');
    expect(await page.locator('body').textContent()).toContain('You are confirming that you receive email at alice@acme.example.');
    await page.screenshot({ path: join(shots, '09-confirm-page.png'), fullPage: true });
    await Promise.all([page.waitForURL(/\/verify$/), page.getByRole('button', { name: 'Confirm' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Confirmed');

    await page.goto(`${svc.url}/console/verifications?recipient=alice%40acme.example`);
    await page.getByRole('link', { name: 'alice@acme.example' }).click();
    expect(await page.locator('.facts .state').textContent()).toBe('confirmed');
    expect(await page.locator('ol.timeline').textContent()).toContain('Confirmed by the recipient');
    expect(await page.getByRole('button', { name: 'Resend' }).count()).toBe(0);
    await look('10-verification-confirmed');
    await page.setViewportSize({ width: 390, height: 844 });
    await look('10b-verification-390px');
    await page.goto(`${svc.url}/console/overview`);
    await look('03b-overview-390px');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('a DCV link opens a page in the order’s language naming the domains and the order, with an approval button', async () => {
    const mail = await eventually(
      async () => (await svc.call('GET', '/v1/inbox?to=admin%40example.com')).json.items,
      (items: { links: string[] }[]) => items.length > 0,
    );
    await page.goto(mail[0]!.links[0]!);
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.locator('h1').textContent()).toBe('Zertifikatsantrag genehmigen');
    const text = await page.locator('body').textContent();
    expect(text).toContain('(Bestellung 1234567)');
    expect(await page.locator('li').allTextContents()).toEqual(['example.com', 'www.example.com']);
    expect(text).toContain('Mit der Genehmigung bestätigen Sie als Inhaber von admin@example.com');
    await expect(page.getByRole('button', { name: 'Genehmigen' }).isVisible()).resolves.toBe(true);
    await look('11-confirm-dcv-de');
  });

  it('the queue counts by status; a failed message is retried and delivered', async () => {
    await svc.rt.courier.stop();
    const created = await svc.call('POST', '/v1/verifications', {
      recipient: 'carol@acme.example',
      purpose: 'email_ownership',
      account: 'acme',
    });
    const claimed = await svc.rt.store.outbox.claim('test-owner', 10, 60_000, Date.now());
    const failed = claimed.find((m) => m.verificationId === created.json.id)!;
    await svc.rt.store.outbox.complete(
      failed.id,
      'test-owner',
      { result: 'failed', error: '550 mailbox unavailable', abandoned: false },
      Date.now(),
    );
    svc.rt.courier.start();

    await page.goto(`${svc.url}/console/messages?status=failed`);
    expect(await page.locator('[data-count="failed"]').textContent()).toBe('1');
    await look('12-messages-failed');
    await page.setViewportSize({ width: 390, height: 844 });
    await look('13-messages-390px');
    await page.setViewportSize({ width: 1280, height: 800 });
    await Promise.all([
      page.waitForURL(/notice=retried/),
      page.getByRole('button', { name: 'Retry the email to carol@acme.example' }).click(),
    ]);
    expect(await page.getByRole('status').textContent()).toContain('queued again');
    await eventually(
      async () => (await svc.call('GET', `/v1/messages/${failed.id}`)).json.status,
      (s) => s === 'sent',
    );
    // The live counts follow without a reload.
    await eventually(
      () => page.locator('[data-count="failed"]').textContent(),
      (n) => n === '0',
      15_000,
    );
    await page.goto(`${svc.url}/console/verifications/${created.json.id}`);
    const timeline = await page.locator('ol.timeline').textContent();
    expect(timeline).toContain('A failed email was queued again (Retry)');
    expect(timeline).toMatch(/Attempt 2 at .*: sent/);
    await look('14-verification-retried');
  });

  it('accounts: create one, an API key shown once, revoke it', async () => {
    await page.goto(`${svc.url}/console/accounts`);
    await page.getByLabel('Name').fill('initech');
    await Promise.all([page.waitForURL(/notice=created/), page.getByRole('button', { name: 'Create account' }).click()]);
    await page.getByLabel('Label').fill('deploy');
    await page.getByLabel('Role').selectOption('102');
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Create API key' }).click()]);
    const secret = await page.locator('.secret').textContent();
    expect(secret).toMatch(/^rvk_/);
    expect((await svc.call('GET', '/v1/verifications', undefined, secret)).status).toBe(200);
    await look('15-account-key-created');
    await Promise.all([page.waitForURL(/notice=revoked/), page.getByRole('button', { name: /Revoke API key ending/ }).click()]);
    expect((await svc.call('GET', '/v1/verifications', undefined, secret)).status).toBe(401);
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Create access key' }).click()]);
    expect(await page.locator('.secret').count()).toBe(2);
    await look('16-account-access-key');
    await page.goto(`${svc.url}/console/accounts`);
    await look('17-accounts');
  });

  it('refuses a POST without the CSRF token, and a signed-out cookie everywhere', async () => {
    const cookieHeader = (await chrome.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const verification = (await svc.call('GET', '/v1/verifications?recipient=bob%40globex.example')).json.items[0];
    const forged = await fetch(`${svc.url}/console/verifications/${verification.id}/resend`, {
      method: 'POST',
      headers: { cookie: cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('This form has expired or did not come from this console');
    expect((await svc.call('GET', `/v1/verifications/${verification.id}`)).json.send_count).toBe(1);

    await signOut();
    await look('18-signed-out');
    const replayed = await fetch(`${svc.url}/console/verifications`, { headers: { cookie: cookieHeader }, redirect: 'manual' });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toBe('/console/sign-in');
  });

  it('an account key sees only its account; a key that may not read mail sees no inbox', async () => {
    await signIn(keys.acme!);
    await page.goto(`${svc.url}/console/verifications`);
    const recipients = await page.locator('tbody tr td:first-child').allTextContents();
    expect(recipients).toContain('alice@acme.example');
    expect(recipients).not.toContain('bob@globex.example');
    await look('19-account-verifications');
    const bob = (await svc.call('GET', '/v1/verifications?recipient=bob%40globex.example')).json.items[0];
    const other = await page.goto(`${svc.url}/console/verifications/${bob.id}`);
    expect(other?.status()).toBe(404);
    await page.goto(`${svc.url}/console/inbox`);
    expect(await page.locator('tbody tr td:nth-child(2)').allTextContents()).not.toContain('bob@globex.example');
    await signOut();

    await signIn(keys.viewer!);
    expect(await page.getByRole('link', { name: 'Inbox' }).count()).toBe(0);
    const inbox = await page.goto(`${svc.url}/console/inbox`);
    expect(inbox?.status()).toBe(403);
    expect(await page.locator('body').textContent()).not.toContain('/verify?token=');
    await page.goto(`${svc.url}/console/verifications?recipient=alice%40acme.example`);
    await page.getByRole('link', { name: 'alice@acme.example' }).click();
    expect(await page.getByRole('button', { name: 'Resend' }).count()).toBe(0);
    await look('20-viewer-verification');
    await signOut();
  });

  it('the API reference renders from local files, under its CSP, with request and response bodies', async () => {
    const blocked: string[] = [];
    const reference = await chrome.context.newPage();
    reference.on('console', (m) => {
      if (m.type() === 'error') blocked.push(m.text());
    });
    reference.on('request', (r) => {
      if (!r.url().startsWith(svc.url) && !r.url().startsWith('data:')) blocked.push(`request to ${r.url()}`);
    });
    await reference.goto(`${svc.url}/docs/api`);
    await reference.getByText('/v1/verifications/{id}/resend').first().waitFor();
    await reference.getByText('/v1/messages/{id}').first().click();
    await reference.getByText('attempt_log').first().waitFor();
    await reference.screenshot({ path: join(shots, '21-api-reference.png'), fullPage: false });
    expect(blocked).toEqual([]);
    await reference.close();
  });

  it('has no serious or critical accessibility violation on any page', () => {
    expect(problems).toEqual([]);
  });
});
