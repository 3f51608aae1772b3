import { createHash, randomUUID } from 'node:crypto';
import type { ChargeRef, QuotaPersister, QuotaRule, QuotaVerdict } from '../../core/quotas/port.js';
import { type ChargeReader, chargesEnd, evaluateQuota, quotaChecks } from '../quota.js';
import type { PgConnection, Querier } from './connection.js';

/** The first key of the two-key advisory locks taken on quota keys (keeps them apart from other users' locks; reverify_charge uses it too). */
const QUOTA_LOCK_SPACE = 72_657_001;

const lockId = (key: string): number => createHash('sha256').update(key).digest().readInt32BE(0);

/** The advisory lock ids of quota keys, distinct, in the one order every transaction takes them. */
export const quotaLockIds = (keys: string[]): number[] => [...new Set(keys.map(lockId))].sort((a, b) => a - b);

/**
 * Serialises check-and-charge per quota key across every node: a transaction-scoped advisory lock on
 * each key, taken in one order (so two transactions never wait on each other in a cycle) and held
 * until commit, so the next holder's count sees the charges this one wrote.
 */
export const lockQuotaKeys = async (q: Querier, keys: string[]): Promise<void> => {
  const ids = quotaLockIds(keys);
  if (ids.length === 0) return;
  await q.run('SELECT pg_advisory_xact_lock(?, k) FROM unnest(?::int[]) WITH ORDINALITY AS t(k, i) ORDER BY i', QUOTA_LOCK_SPACE, ids);
};

/**
 * The shared sliding-window evaluation (`evaluateQuota`) over asynchronous reads: every count in one
 * statement; the oldest charges that decide a wait are read only for a refusal, then evaluated again.
 */
export const checkQuota = async (q: Querier, sends: QuotaRule[][], at: number): Promise<QuotaVerdict> => {
  const checks = quotaChecks(sends);
  if (checks.length === 0) return { ok: true };
  const counted = await q.rows(
    `SELECT r.key, r.since, (SELECT count(*) FROM quota_charges c WHERE c.key = r.key AND c.at > r.since) AS n
     FROM unnest(?::text[], ?::bigint[]) AS r(key, since)`,
    checks.map((c) => c.rule.key),
    checks.map((c) => at - c.rule.windowMs),
  );
  const counts = new Map(counted.map((r) => [`${r.key}|${r.since}`, Number(r.n)]));
  const wanted = new Map<string, number | null>();
  const reader: ChargeReader = {
    count: (key, since) => counts.get(`${key}|${since}`) ?? 0,
    nth: (key, since, n) => {
      const k = `${key}|${since}|${n}`;
      if (!wanted.has(k)) wanted.set(k, null);
      return wanted.get(k) ?? at;
    },
  };
  const first = evaluateQuota(sends, at, reader);
  if (first.ok) return first;
  for (const k of wanted.keys()) {
    const [key, since, n] = k.split('|');
    const r = await q.one(
      'SELECT at FROM quota_charges WHERE key = ? AND at > ? ORDER BY at LIMIT 1 OFFSET ?',
      key,
      Number(since),
      Number(n) - 1,
    );
    wanted.set(k, r ? Number(r.at) : null);
  }
  return evaluateQuota(sends, at, reader);
};

/** Quota charges outside write batches: check-and-charge in one transaction under the keys' locks. */
export class PgQuotas implements QuotaPersister {
  constructor(private readonly c: PgConnection) {}

  async take(rules: QuotaRule[], at: number) {
    const keys = [...new Set(rules.map((r) => r.key))];
    return this.c.tx(async (q) => {
      await lockQuotaKeys(q, keys);
      const verdict = await checkQuota(q, [rules], at);
      if (!verdict.ok) return verdict;
      const until = chargesEnd(rules, at);
      const charges: ChargeRef[] = keys.map((key) => ({ key, id: randomUUID() }));
      await q.run(
        'INSERT INTO quota_charges (key, at, ref, expires_at) SELECT k, ?, r, e FROM unnest(?::text[], ?::text[], ?::bigint[]) AS t(k, r, e)',
        at,
        charges.map((ch) => ch.key),
        charges.map((ch) => ch.id),
        charges.map((ch) => until.get(ch.key)),
      );
      return { ok: true as const, charges };
    });
  }

  async check(rules: QuotaRule[], at: number) {
    return checkQuota(this.c, [rules], at);
  }

  async release(charges: ChargeRef[]) {
    if (charges.length === 0) return;
    await this.c.run(
      'DELETE FROM quota_charges c USING unnest(?::text[], ?::text[]) AS t(k, r) WHERE c.key = t.k AND c.ref = t.r',
      charges.map((ch) => ch.key),
      charges.map((ch) => ch.id),
    );
  }

  async clear(keys: string[]) {
    if (keys.length === 0) return;
    await this.c.run('DELETE FROM quota_charges WHERE key = ANY(?::text[])', keys);
  }

  async prune(before: number, now: number) {
    return (
      (await this.c.run('DELETE FROM quota_charges WHERE expires_at <= ?', now)) +
      (await this.c.run('DELETE FROM quota_charges WHERE at <= ?', before))
    );
  }
}
