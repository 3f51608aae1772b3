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
    expect(await a.quotas.prune(T0 + 3000)).toBe(2);
    expect(await a.quotas.check([{ name: 'login_lock', key: 'f:all', windowMs: 60_000, limit: 1 }], T0 + 5000)).toMatchObject({
      ok: false,
    });
  });
};
