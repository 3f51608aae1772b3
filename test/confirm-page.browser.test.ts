import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { eventually } from './helpers/eventually.js';
import { startService, type TestService } from './helpers/service.js';

describe('the confirm page in a real browser', () => {
  let svc: TestService;
  let chrome: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    svc = await startService();
    chrome = await launchChromium();
  });
  afterAll(async () => {
    await chrome?.close();
    await svc?.close();
  });

  const mailedLink = async (recipient: string) => {
    const inbox = await eventually(
      async () => (await svc.call('GET', `/v1/inbox?to=${encodeURIComponent(recipient)}`)).json,
      (j) => j.items.length > 0,
    );
    const link = new URL(inbox.items[0].links[0]);
    return new URL(link.pathname + link.search, svc.url).toString();
  };

  it('opening the link confirms nothing; pressing Confirm does, once', async () => {
    const created = await svc.call('POST', '/v1/verifications', {
      recipient: 'browser@example.com',
      purpose: 'account_activation',
      locale: 'de',
    });
    const link = await mailedLink('browser@example.com');
    const page = await chrome.context.newPage();
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    // The page speaks the verification's language and names the address.
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.locator('h1').textContent()).toBe('Konto aktivieren');
    expect(await page.locator('body').textContent()).toContain('Sie bestätigen, dass Sie E-Mails an browser@example.com empfangen.');
    await expect(page.getByRole('button', { name: 'Bestätigen' }).isVisible()).resolves.toBe(true);
    expect((await svc.call('GET', `/v1/verifications/${created.json.id}`)).json.state).toBe('pending');

    await Promise.all([page.waitForURL(/\/verify$/), page.getByRole('button', { name: 'Bestätigen' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Bestätigt');
    expect((await svc.call('GET', `/v1/verifications/${created.json.id}`)).json.state).toBe('confirmed');

    await page.goto(link);
    expect(await page.locator('h1').textContent()).toBe('Already confirmed');
    expect(await page.getByRole('button').count()).toBe(0);
    await page.close();
  });

  it('an unknown or malformed token gets a page that says so, without a button', async () => {
    const page = await chrome.context.newPage();
    for (const token of ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '<script>alert(1)</script>']) {
      const response = await page.goto(`${svc.url}/verify?token=${encodeURIComponent(token)}`);
      expect(response?.status()).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('Link not valid');
      expect(await page.getByRole('button').count()).toBe(0);
    }
    await page.close();
  });
});
