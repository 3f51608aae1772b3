import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/sandbox/index.js';
import { launchChromium } from './helpers/browser.js';

const shots = join(process.cwd(), 'test-results', 'console');
const axeSource: string = createRequire(import.meta.url)('axe-core').source;

describe('the sandbox page of the console, in a real browser', () => {
  let sb: Sandbox;
  let chrome: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    sb = await startSandbox();
    chrome = await launchChromium();
  });
  afterAll(async () => {
    await chrome?.close();
    await sb?.close();
  });

  it('adds a DigiCert fault the vendor client then meets, lists it with its hits, and clears it', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${sb.url}/console`);
    await page.getByLabel('Admin token or API key').fill(sb.adminToken);
    await Promise.all([page.waitForURL(/\/console\/overview/), page.getByRole('button', { name: 'Sign in' }).click()]);
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
    await page.screenshot({ path: join(shots, '30-sandbox-faults.png'), fullPage: true });
    await page.evaluate(axeSource);
    const violations = (await page.evaluate(
      'axe.run(document).then((r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id))',
    )) as string[];
    expect(violations).toEqual([]);
    await Promise.all([page.waitForURL(/notice=cleared/), page.getByRole('button', { name: 'Clear the digicert fault' }).click()]);
    expect(await page.getByText('No fault is in force.').count()).toBe(1);
    expect(await resend()).toBe(204);
  });
});
