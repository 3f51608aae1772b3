import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/sandbox/index.js';
import { launchChromium } from './helpers/browser.js';
import { eventually } from './helpers/eventually.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';

const shots = join(process.cwd(), 'test-results', 'console');
const axeSource: string = createRequire(import.meta.url)('axe-core').source;

/** Serious or critical axe-core violations of the page, in words. */
const accessibilityProblems = async (page: Page): Promise<string[]> => {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)')) as {
    id: string;
    impact: string | null;
    help: string;
    nodes: { target: unknown }[];
  }[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${page.url()}: ${v.id} (${v.impact}) ${v.help}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
};

/**
 * The console of a sandbox (plain http to 127.0.0.1 is a webhook endpoint only there): faults,
 * webhooks and their deliveries, bounces and suppressions, template previews.
 */
describe('the console of a sandbox, in a real browser', () => {
  let sb: Sandbox;
  let chrome: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let receiver: WebhookReceiver;
  const problems: string[] = [];
  const recipient = 'dana@bounce.example';
  let viewerKey = '';
  let verificationId = '';
  let secret = '';

  const api = async (method: string, path: string, body?: unknown, token = sb.adminToken) => {
    const res = await fetch(sb.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json().catch(() => null)) as any };
  };

  const look = async (name: string) => {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    problems.push(...(await accessibilityProblems(page)));
  };

  const lookNarrow = async (name: string) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await look(name);
    await page.setViewportSize({ width: 1280, height: 800 });
  };

  const signIn = async (secretOrToken: string) => {
    await page.goto(`${sb.url}/console/sign-in`);
    await page.getByLabel('Admin token or API key').fill(secretOrToken);
    await Promise.all([page.waitForURL(/\/console\/overview/), page.getByRole('button', { name: 'Sign in' }).click()]);
  };

  const signOut = async () => {
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Sign out' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Signed out');
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    sb = await startSandbox({ settings: { resendCooldown: 0 } });
    receiver = await new WebhookReceiver().start();
    viewerKey = (await api('POST', '/v1/accounts/sandbox/keys', { role: 102, label: 'viewer' })).json.key;
    chrome = await launchChromium();
    page = await chrome.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
  });
  afterAll(async () => {
    await chrome?.close();
    await receiver?.stop();
    await sb?.close();
  });

  it('adds a DigiCert fault the vendor client then meets, lists it with its hits, and clears it', async () => {
    await signIn(sb.adminToken);
    await Promise.all([page.waitForURL(/\/console\/sandbox/), page.getByRole('link', { name: 'Sandbox' }).click()]);
    await page.getByLabel('Target').selectOption('digicert');
    await page.getByLabel('Endpoint (optional)').fill('resend-emails');
    await page.getByLabel('Effect').selectOption('error');
    await page.getByLabel('Vendor error code (for an error)').fill('request_limit_exceeded');
    await page.getByLabel('For the next N calls').fill('2');
    await Promise.all([page.waitForURL(/notice=added/), page.getByRole('button', { name: 'Add fault' }).click()]);
    const resend = () =>
      fetch(`${sb.url}/services/v2/order/certificate/1234567/resend-emails`, {
        method: 'PUT',
        headers: { 'x-dc-devkey': sb.credentials.digicertApiKey },
      }).then((r) => r.status);
    expect(await resend()).toBe(429);
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: 'request_limit_exceeded' });
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(0, 6).map((c) => c.trim())).toEqual([
      'digicert',
      'resend-emails',
      'error request_limit_exceeded',
      '1',
      '100 %',
      '1',
    ]);
    await look('30-sandbox-faults');
    await Promise.all([page.waitForURL(/notice=cleared/), page.getByRole('button', { name: 'Clear the digicert fault' }).click()]);
    expect(await page.getByText('No fault is in force.').count()).toBe(1);
    expect(await resend()).toBe(204);
  });

  it('registers a webhook endpoint on 127.0.0.1 (its secret shown once) and lists its deliveries with their attempt log', async () => {
    await page.goto(`${sb.url}/console/accounts/sandbox`);
    // Refused by the core, the form comes back filled in, with the reason.
    await page.getByLabel('Endpoint URL').fill('http://10.0.0.1/hooks');
    await page.getByLabel('verification.created').check();
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Register endpoint' }).click()]);
    expect(await page.getByRole('status').textContent()).toContain('Not registered: The URL must be https://');
    expect(await page.getByLabel('verification.created').isChecked()).toBe(true);

    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel('message.bounced').check();
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Register endpoint' }).click()]);
    secret = (await page.locator('.secret').allTextContents())[1] ?? '';
    expect(secret).toMatch(/^whsec_/);
    expect(await page.locator('article.card h3').allTextContents()).toEqual([receiver.url]);
    await look('31-account-webhook-registered');
    await page.goto(`${sb.url}/console/accounts/sandbox`);
    expect(await page.locator('.secret').count()).toBe(0);

    const created = await api('POST', '/v1/verifications', { recipient, purpose: 'email_ownership', account: 'sandbox' });
    expect(created.status).toBe(201);
    verificationId = created.json.id;
    const [first] = await receiver.waitFor(1);
    // The secret the console showed is the one that signs.
    expect(new Webhook(secret).verify(first!.body, first!.headers as Record<string, string>)).toMatchObject({
      type: 'verification.created',
    });

    const card = page.locator('article.card');
    await eventually(
      async () => {
        await page.reload();
        return card.locator('tbody tr').first().textContent();
      },
      (row) => row?.includes('sent') === true,
    );
    await lookNarrow('31b-account-webhooks-390px');
    await Promise.all([page.waitForURL(/\/console\/messages\//), card.getByRole('link', { name: 'verification.created' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Webhook verification.created');
    const facts = await page.locator('dl.facts').textContent();
    expect(facts).toContain('Webhook');
    expect(facts).toContain(receiver.url);
    expect(await page.getByRole('region', { name: 'Attempt log' }).locator('tbody tr').first().textContent()).toMatch(/sent.*200/);
    expect(await page.locator('pre').textContent()).toContain(`"recipient": "${recipient}"`);
    await look('32-webhook-delivery');
    await Promise.all([page.waitForURL(/\/webhooks\//), page.getByRole('link', { name: receiver.url }).click()]);
    expect(await page.locator('tbody tr').count()).toBe(1);
    await look('33-webhook-endpoint');
  });

  it('a hard bounce shows on the timeline and the message; the address is listed on Suppressions and lifted', async () => {
    const sent = await eventually(
      async () =>
        (await api('GET', `/v1/messages?verification=${verificationId}&channel=email`)).json.items[0] as
          | { id: string; status: string }
          | undefined,
      (m) => m?.status === 'sent',
    );
    const email = sent!;
    const bounce = await api('POST', '/v1/bounces', {
      recipient,
      type: 'hard',
      message_id: email.id,
      status: '5.1.1',
      diagnostic: 'smtp; 550 5.1.1 user unknown',
    });
    expect(bounce.status).toBe(202);
    await eventually(
      async () => receiver.types(),
      (types) => types.includes('message.bounced'),
    );

    await page.goto(`${sb.url}/console/verifications/${verificationId}`);
    const timeline = await page.locator('ol.timeline').textContent();
    expect(timeline).toContain('The email bounced (5.1.1): the address is suppressed');
    expect(timeline).toMatch(/Email bounced to dana@bounce\.example/);
    expect(timeline).toContain('Hard bounce at');
    expect(timeline).toContain('Webhook verification.created');
    await Promise.all([page.waitForURL(/refused=suppressed/), page.getByRole('button', { name: 'Resend' }).click()]);
    expect(await page.getByRole('status').textContent()).toContain('Not sent: mail to this address bounced');
    await look('34-verification-bounced');

    await page.goto(`${sb.url}/console/messages/${email.id}`);
    expect(await page.locator('dl.facts').textContent()).toContain('Email');
    expect(await page.getByRole('region', { name: 'Bounces' }).textContent()).toContain('550 5.1.1 user unknown');
    await look('35-message-bounced');

    await page.getByRole('link', { name: 'Suppressions' }).click();
    await page.getByLabel('Account').selectOption({ label: 'sandbox' });
    await Promise.all([page.waitForURL(/account=/), page.getByRole('button', { name: 'Filter' }).click()]);
    const cells = (await page.locator('tbody tr').first().getByRole('cell').allTextContents()).map((c) => c.trim());
    expect(cells.slice(0, 4)).toEqual([recipient, 'sandbox', 'Hard bounce', '5.1.1 smtp; 550 5.1.1 user unknown']);
    await look('36-suppressions');
    await lookNarrow('36b-suppressions-390px');

    // A view-only key sees the list but no Lift; a lift forged with its session and a valid form token is refused.
    await signOut();
    await signIn(viewerKey);
    await page.getByRole('link', { name: 'Suppressions' }).click();
    expect(await page.locator('tbody tr td:first-child').allTextContents()).toEqual([recipient]);
    expect(await page.getByRole('button', { name: /Lift/ }).count()).toBe(0);
    await look('37-suppressions-viewer');
    const csrf = await page.locator('input[name=_csrf]').first().getAttribute('value');
    const cookie = (await chrome.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const forged = await fetch(`${sb.url}/console/suppressions/lift`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf ?? '', address: recipient, account: '' }).toString(),
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    expect((await api('GET', '/v1/suppressions')).json.items).toHaveLength(1);
    // Its account page shows the endpoints read-only.
    await page.getByRole('link', { name: 'Account' }).click();
    expect(await page.locator('article.card h3').allTextContents()).toEqual([receiver.url]);
    expect(await page.getByRole('button', { name: /Register endpoint|Delete/ }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'API keys' }).count()).toBe(0);
    await look('37b-account-viewer');
    await signOut();

    await signIn(sb.adminToken);
    await page.goto(`${sb.url}/console/suppressions`);
    await Promise.all([
      page.waitForURL(/notice=lifted/),
      page.getByRole('button', { name: `Lift the suppression of ${recipient}` }).click(),
    ]);
    expect(await page.getByRole('status').textContent()).toContain('Lifted');
    expect(await page.getByText('No address is suppressed.').count()).toBe(1);
    expect((await api('GET', '/v1/suppressions')).json.items).toEqual([]);
    expect((await api('POST', `/v1/verifications/${verificationId}/resend`)).status).toBe(202);
  });

  it('previews a template: subject, text, and the HTML in a sandboxed frame', async () => {
    await page.getByRole('link', { name: 'Templates' }).click();
    await page.getByLabel('Purpose').selectOption('account_activation');
    await page.getByLabel('Locale').fill('de');
    await page.getByLabel('Account').selectOption({ label: 'sandbox' });
    await Promise.all([page.waitForURL(/purpose=account_activation/), page.getByRole('button', { name: 'Preview' }).click()]);
    const expected = (await api('GET', '/v1/templates/preview?purpose=account_activation&locale=de&account=sandbox')).json;
    expect(await page.locator('.subject').textContent()).toBe(expected.subject);
    expect(await page.locator('pre').textContent()).toBe(expected.text);
    expect(await page.locator('iframe.mail').getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    const frameUrl = await page.locator('iframe.mail').getAttribute('src');
    const framed = await fetch(sb.url + frameUrl!, {
      headers: { cookie: (await chrome.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    expect(framed.headers.get('content-security-policy')).toContain('sandbox allow-popups');
    expect(await page.frameLocator('iframe.mail').getByRole('link').count()).toBeGreaterThan(0);
    await look('38-template-preview');
    await lookNarrow('38b-template-preview-390px');
  });

  it('deletes the webhook endpoint', async () => {
    await page.goto(`${sb.url}/console/accounts/sandbox`);
    await Promise.all([
      page.waitForURL(/notice=webhook-deleted/),
      page.getByRole('button', { name: `Delete the endpoint ${receiver.url}` }).click(),
    ]);
    expect(await page.locator('article.card').count()).toBe(0);
    expect((await api('GET', '/v1/webhooks')).json.items).toEqual([]);
  });

  it('has no serious or critical accessibility violation on any of these pages', () => {
    expect(problems).toEqual([]);
  });
});
