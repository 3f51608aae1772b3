import { expect, it } from 'vitest';
import type { QuotaRule } from '../../core/quotas/port.js';
import { T0 } from './entities.js';
import type { Target } from './index.js';

/** Check-and-charge outside batches: take, check, release, clear, prune. */
export const quotaContract = (t: Target) => {
  it('take charges within the limit, refuses with the exact wait, and release gives a charge back', async () => {
    const { a } = t();
    const rules: QuotaRule[] = [
      { name: 'login_failures', key: 'f:ip', windowMs: 60_000, limit: 2 },
      { name: 'login_lock', key: 'f:all', windowMs: 60_000, limit: 5 },
    ];
    const first = await a.quotas.take(rules, T0);
    expect(first).toMatchObject({ ok: true });
    expect(first.ok && first.charges.map((c) => c.key).sort()).toEqual(['f:all', 'f:ip']);
    expect(await a.quotas.check(rules, T0 + 1)).toEqual({ ok: true });
    expect(await a.quotas.take(rules, T0 + 1000)).toMatchObject({ ok: true });
    expect(await a.quotas.check(rules, T0 + 2000)).toEqual({ ok: false, rule: 'login_failures', retryAfterMs: 58_000 });
    expect(await a.quotas.take(rules, T0 + 2000)).toEqual({ ok: false, rule: 'login_failures', retryAfterMs: 58_000 });
    if (first.ok) await a.quotas.release(first.charges);
    if (first.ok) await a.quotas.release(first.charges);
    expect(await a.quotas.take(rules, T0 + 3000)).toMatchObject({ ok: true });
    expect(await a.quotas.take(rules, T0 + 3000)).toMatchObject({ ok: false });
    await a.quotas.clear(['f:ip']);
    expect(await a.quotas.take(rules, T0 + 4000)).toMatchObject({ ok: true });
    // f:all holds charges at T0+1000, T0+3000 and T0+4000 (the first was released); f:ip only at T0+4000.
    expect(await a.quotas.prune(T0 + 3000, T0 + 3000)).toBe(2);
    expect(await a.quotas.check([{ name: 'login_lock', key: 'f:all', windowMs: 60_000, limit: 1 }], T0 + 5000)).toMatchObject({
      ok: false,
    });
  });

  it('prune drops a charge made by take once its own window has ended, long before the longest window', async () => {
    const { a } = t();
    const perSecond: QuotaRule[] = [{ name: 'client_rate', key: 'rate:k', windowMs: 1000, limit: 1 }];
    const perMinute: QuotaRule[] = [
      { name: 'ip_requests', key: 'anon:ip', windowMs: 1000, limit: 5 },
      { name: 'ip_requests', key: 'anon:ip', windowMs: 60_000, limit: 5 },
    ];
    expect(await a.quotas.take(perSecond, T0)).toMatchObject({ ok: true });
    expect(await a.quotas.take(perMinute, T0)).toMatchObject({ ok: true });
    // Nothing has passed the longest window (before = T0 - 1): only the one-second charge has ended.
    expect(await a.quotas.prune(T0 - 1, T0 + 1000)).toBe(1);
    expect(await a.quotas.check(perSecond, T0 + 500)).toEqual({ ok: true });
    // The key's longest rule decides: its charge counts until T0 + 60 s.
    expect(await a.quotas.check([{ name: 'ip_requests', key: 'anon:ip', windowMs: 60_000, limit: 1 }], T0 + 1000)).toMatchObject({
      ok: false,
    });
    expect(await a.quotas.prune(T0 - 1, T0 + 59_999)).toBe(0);
    expect(await a.quotas.prune(T0 - 1, T0 + 60_000)).toBe(1);
  });
};
