import { expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import type { QuotaRule } from '../../core/quotas/port.js';
import { bump, seedOne, T0, verification } from './entities.js';
import type { Target } from './index.js';

const count = <T>(xs: T[], pred: (x: T) => boolean) => xs.filter(pred).length;

/** Two store instances on one database, as two nodes: what each promise means under concurrency. */
export const raceContract = (t: Target) => {
  it('race: two writers on one version, on two instances: exactly one wins', async () => {
    const { a, b } = t();
    for (let round = 0; round < 10; round++) {
      const { v } = await seedOne(a);
      const results = await Promise.all([
        a.transactor.commit({ verifications: { update: [{ before: v, after: bump(v, { locale: 'de' }) }] } }),
        b.transactor.commit({ verifications: { update: [{ before: v, after: bump(v, { locale: 'fr' }) }] } }),
      ]);
      expect(count(results, (r) => r.ok)).toBe(1);
      expect(count(results, (r) => !r.ok && r.reason === 'conflict')).toBe(1);
      const winner = results[0]?.ok ? 'de' : 'fr';
      expect((await b.verifications.getVerification(v.id))?.locale).toBe(winner);
    }
  });

  it('race: a quota of 1 hit by both instances at once: exactly one send commits', async () => {
    const { a, b } = t();
    const rule: QuotaRule[] = [{ name: 'cooldown', key: `rcpt:${newId()}`, windowMs: 60_000, limit: 1 }];
    const send = (store: typeof a) =>
      store.transactor.commit({ quota: { sends: [rule], at: T0, enforce: true }, verifications: { insert: [verification()] } });
    const results = await Promise.all([send(a), send(b), send(a), send(b)]);
    expect(count(results, (r) => r.ok)).toBe(1);
    expect(count(results, (r) => !r.ok && r.reason === 'quota')).toBe(3);
  });

  it('race: take on both instances: never more charges than the limit', async () => {
    const { a, b } = t();
    const rules: QuotaRule[] = [{ name: 'login_failures', key: `f:${newId()}`, windowMs: 60_000, limit: 3 }];
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).quotas.take(rules, T0)));
    expect(count(results, (r) => r.ok)).toBe(3);
  });

  it('race: two claimers on one due message: exactly one claim until the lease expires', async () => {
    const { a, b } = t();
    const seeded = [];
    for (let i = 0; i < 6; i++) seeded.push((await seedOne(a)).m.id);
    const [x, y] = await Promise.all([a.outbox.claim('a', 10, 1000, T0), b.outbox.claim('b', 10, 1000, T0)]);
    const claimed = [...x, ...y].map((m) => m.id);
    expect(claimed.sort()).toEqual([...seeded].sort());
    expect(new Set(claimed).size).toBe(seeded.length);
    expect(await a.outbox.claim('c', 10, 1000, T0 + 999)).toEqual([]);
    expect(await b.outbox.claim('d', 10, 1000, T0 + 1001)).toHaveLength(seeded.length);
  });

  it('race: two workers claiming queued requests: each request to one of them', async () => {
    const { a, b } = t();
    for (let i = 0; i < 20; i++) await a.requests.enqueue({ id: newId(), kind: 'k', sealed: 's', ip: null, receivedAt: T0 });
    const [x, y] = await Promise.all([a.requests.claim('a', 15, 1000, T0), b.requests.claim('b', 15, 1000, T0)]);
    const ids = [...x, ...y].map((r) => r.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });

  it('race: a nonce used on both instances at once is admitted exactly once', async () => {
    const { a, b } = t();
    const key = `nonce:${newId()}`;
    const results = await Promise.all([a, b, a, b].map((s) => s.nonces.use(key, T0, T0 + 60_000)));
    expect(count(results, (r) => r)).toBe(1);
  });

  it('race: refusals counted on both instances lose no increment', async () => {
    const { a, b } = t();
    const refusal = { type: 'login.failed', accountId: null, verificationId: null, subjectId: null, key: newId(), detail: {}, at: T0 };
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).audit.countRefusal({ ...refusal, id: newId() })));
    const rows = await a.audit.listEvents({ types: ['login.failed'], limit: 10 });
    expect(rows.map((e) => e.count ?? 1)).toEqual([20]);
  });

  it('race: one account name created on both instances: exactly one created', async () => {
    const { a, b } = t();
    const make = () => ({ id: newId(), name: 'same', loginName: null, permissions: {}, createdAt: T0 });
    const empty = { passwordHash: null, apiKeys: [], accessKeys: [] };
    const results = await Promise.all([a.accounts.createAccount(make(), empty), b.accounts.createAccount(make(), empty)]);
    expect(results.sort()).toEqual(['created', 'exists']);
  });
};
