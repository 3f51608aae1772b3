import { expect, it } from 'vitest';
import type { QuotaRule } from '../../core/quotas/port.js';
import { bump, message, seedOne, subject, T0, token, verification } from './entities.js';
import type { Target } from './index.js';

/** Transactor: atomic batches, version guards in the statement, unique keys, quotas charged in the batch. */
export const batchContract = (t: Target) => {
  it('is ready once migrated', async () => {
    expect(await t().a.health.ready()).toBe(true);
  });

  it('commits a batch and reads every part back', async () => {
    const { a } = t();
    const { v, t: tok, m } = await seedOne(a);
    expect(await a.verifications.getVerification(v.id)).toEqual(v);
    expect(await a.verifications.getToken(tok.id)).toEqual(tok);
    expect(await a.verifications.findTokenByHash(tok.hash ?? '')).toEqual(tok);
    expect(await a.verifications.tokensOf(v.id)).toEqual([tok]);
    expect(await a.messages.getMessage(m.id)).toEqual(m);
    expect(await a.verifications.getVerification('missing')).toBeNull();
    expect(await a.verifications.getToken('missing')).toBeNull();
    expect(await a.verifications.getVerificationWithToken(v.id)).toEqual({ verification: v, token: tok });
    expect(await a.verifications.getVerificationWithToken('missing')).toBeNull();
  });

  it('a guarded update applies to the version it read; a stale one aborts the whole batch', async () => {
    const { a } = t();
    const { v, t: tok } = await seedOne(a);
    const updated = bump(v, { sendCount: 2 });
    expect(await a.transactor.commit({ verifications: { update: [{ before: v, after: updated }] } })).toEqual({ ok: true });
    expect(await a.verifications.getVerification(v.id)).toEqual(updated);
    const extra = message(v);
    const stale = await a.transactor.commit({
      verifications: { update: [{ before: v, after: bump(v, { sendCount: 9 }) }] },
      tokens: { update: [{ ...tok, usedAt: T0 }], insert: [token(v.id)] },
      messages: [extra],
    });
    expect(stale).toEqual({ ok: false, reason: 'conflict' });
    expect((await a.verifications.getVerification(v.id))?.sendCount).toBe(2);
    expect(await a.messages.getMessage(extra.id)).toBeNull();
    expect((await a.verifications.getToken(tok.id))?.usedAt).toBeNull();
    expect(await a.verifications.tokensOf(v.id)).toHaveLength(1);
  });

  it('a stale guard after a fresh one in the same batch still writes nothing', async () => {
    const { a } = t();
    const one = await seedOne(a);
    const two = await seedOne(a);
    await a.transactor.commit({ verifications: { update: [{ before: two.v, after: bump(two.v, { locale: 'de' }) }] } });
    const result = await a.transactor.commit({
      verifications: {
        update: [
          { before: one.v, after: bump(one.v, { locale: 'fr' }) },
          { before: two.v, after: bump(two.v, { locale: 'es' }) },
        ],
      },
    });
    expect(result).toEqual({ ok: false, reason: 'conflict' });
    expect((await a.verifications.getVerification(one.v.id))?.locale).toBe('en');
    expect((await a.verifications.getVerification(two.v.id))?.locale).toBe('de');
  });

  it('a duplicate key aborts the whole batch as a conflict', async () => {
    const { a } = t();
    const { t: tok } = await seedOne(a);
    const v2 = verification();
    const dup = token(v2.id, { hash: tok.hash });
    expect(await a.transactor.commit({ verifications: { insert: [v2] }, tokens: { insert: [dup] } })).toEqual({
      ok: false,
      reason: 'conflict',
    });
    expect(await a.verifications.getVerification(v2.id)).toBeNull();
  });

  it('subjects: unique number per account and kind; guarded updates', async () => {
    const { a } = t();
    const s = subject();
    expect(await a.transactor.commit({ subjects: { insert: [s] } })).toEqual({ ok: true });
    expect(await a.transactor.commit({ subjects: { insert: [subject()] } })).toEqual({ ok: false, reason: 'conflict' });
    const next = bump(s, { state: 'validated' });
    expect(await a.transactor.commit({ subjects: { update: [{ before: s, after: next }] } })).toEqual({ ok: true });
    expect(await a.transactor.commit({ subjects: { update: [{ before: s, after: bump(s, { state: 'rejected' }) }] } })).toEqual({
      ok: false,
      reason: 'conflict',
    });
    expect(await a.subjects.getSubject(s.id)).toEqual(next);
  });

  it('quota in a batch: charges inside the window refuse with the exact wait; refusals write nothing', async () => {
    const { a } = t();
    const rules: QuotaRule[] = [
      { name: 'cooldown', key: 'rcpt:x', windowMs: 60_000, limit: 1 },
      { name: 'recipient_daily', key: 'rcpt:x', windowMs: 86_400_000, limit: 2 },
    ];
    const send = (at: number, enforce = true) => {
      const v = verification();
      return { v, result: a.transactor.commit({ quota: { sends: [rules], at, enforce }, verifications: { insert: [v] } }) };
    };
    expect(await send(T0).result).toEqual({ ok: true });
    const refused = send(T0 + 10_000);
    expect(await refused.result).toEqual({ ok: false, reason: 'quota', rule: 'cooldown', retryAfterMs: 50_000 });
    expect(await a.verifications.getVerification(refused.v.id)).toBeNull();
    expect(await send(T0 + 60_000).result).toEqual({ ok: true });
    expect(await send(T0 + 120_000).result).toEqual({
      ok: false,
      reason: 'quota',
      rule: 'recipient_daily',
      retryAfterMs: 86_400_000 - 120_000,
    });
    // Not enforced: charged anyway (seeding), so the next enforced check sees three.
    expect(await send(T0 + 130_000, false).result).toEqual({ ok: true });
    expect(await a.quotas.prune(T0, T0)).toBe(1);
    expect(await send(T0 + 200_000).result).toMatchObject({ ok: false, rule: 'recipient_daily' });
  });

  it('quota in a batch: a batch of sends counts each send', async () => {
    const { a } = t();
    const acct: QuotaRule = { name: 'account_hourly', key: 'acct:a', windowMs: 3600_000, limit: 3 };
    const send = (rcpt: string): QuotaRule[] => [{ name: 'cooldown', key: `rcpt:${rcpt}`, windowMs: 60_000, limit: 1 }, acct];
    expect(await a.transactor.commit({ quota: { sends: [send('x'), send('y')], at: T0, enforce: true } })).toEqual({ ok: true });
    expect(await a.transactor.commit({ quota: { sends: [send('z'), send('w')], at: T0 + 1000, enforce: true } })).toEqual({
      ok: false,
      reason: 'quota',
      rule: 'account_hourly',
      retryAfterMs: 3600_000 - 1000,
    });
    expect(await a.transactor.commit({ quota: { sends: [send('z')], at: T0 + 2000, enforce: true } })).toEqual({ ok: true });
    expect(await a.transactor.commit({ quota: { sends: [send('w')], at: T0 + 3000, enforce: true } })).toMatchObject({
      ok: false,
      rule: 'account_hourly',
    });
    await a.quotas.clear(['acct:a']);
    expect(await a.transactor.commit({ quota: { sends: [send('w')], at: T0 + 4000, enforce: true } })).toEqual({ ok: true });
  });
};
