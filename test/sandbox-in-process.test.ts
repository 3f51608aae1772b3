import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../src/sandbox/index.js';

describe('startSandbox in one process', () => {
  it('a Sectigo resend from the seed sample reaches the inbox and its link confirms through the page', async () => {
    const started = performance.now();
    const sb = await startSandbox();
    console.log(`startSandbox (first in this process): ${(performance.now() - started).toFixed(0)} ms`);
    try {
      const order = await sb.inbox.waitFor('admin@example.com');
      const form = new URLSearchParams({ loginName: 'login_name', loginPassword: 'login_password', orderNumber: '1234567' });
      const res = await fetch(`${sb.url}/products/!ResendDCVEmail`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      expect(await res.text()).toBe('errorCode=0');
      const resent = await sb.inbox.waitFor('admin@example.com');
      expect(resent.id).not.toBe(order.id);
      const link = new URL(sb.inbox.linkIn(resent));
      expect(link.origin).toBe(sb.url);
      const page = await fetch(link);
      expect(await page.text()).toMatch(/<form method="post"/);
      const confirmed = await fetch(`${sb.url}/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: link.searchParams.get('token') ?? '' }),
      });
      expect(confirmed.status).toBe(200);
    } finally {
      await sb.close();
    }
    const again = performance.now();
    const second = await startSandbox();
    console.log(`startSandbox (again in the same process): ${(performance.now() - again).toFixed(0)} ms`);
    await second.close();
  });

  it('ten sandboxes at once in one process: each sees only its own data', async () => {
    const started = performance.now();
    const sandboxes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        startSandbox({ builtIn: false, fixture: { users: [{ emailAddress: `user${i}@example.com`, state: 'pending_activation' }] } }),
      ),
    );
    console.log(`ten sandboxes started together in ${(performance.now() - started).toFixed(0)} ms`);
    try {
      for (const [i, sb] of sandboxes.entries()) {
        const mail = await sb.inbox.waitFor(`user${i}@example.com`);
        expect(mail.to).toBe(`user${i}@example.com`);
        expect((await sb.inbox.list()).map((m) => m.to)).toEqual([`user${i}@example.com`]);
        const other = sandboxes[(i + 1) % 10];
        const foreign = await fetch(`${sb.url}/v1/verifications`, { headers: { authorization: `Bearer ${other?.adminToken}` } });
        expect(foreign.status).toBe(401);
      }
      sandboxes[0]?.faults.add({ target: 'native', effect: { kind: 'error', code: 'INTERNAL_ERROR' } });
      const unaffected = await fetch(`${sandboxes[1]?.url}/v1/verifications`, {
        headers: { authorization: `Bearer ${sandboxes[1]?.adminToken}` },
      });
      expect(unaffected.status).toBe(200);
    } finally {
      await Promise.all(sandboxes.map((sb) => sb.close()));
    }
  });
});
