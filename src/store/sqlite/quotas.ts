import { randomUUID } from 'node:crypto';
import type { ChargeRef, QuotaPersister, QuotaRule } from '../../core/quotas/port.js';
import { type ChargeReader, chargesEnd, evaluateQuota } from '../quota.js';
import type { SqliteConnection } from './connection.js';

export const chargeReader = (c: SqliteConnection): ChargeReader => ({
  count: (key, since) => Number(c.one('SELECT count(*) AS n FROM quota_charges WHERE key = ? AND at > ?', key, since)?.n ?? 0),
  nth: (key, since, n) => {
    const r = c.one('SELECT at FROM quota_charges WHERE key = ? AND at > ? ORDER BY at LIMIT 1 OFFSET ?', key, since, n - 1);
    return r ? Number(r.at) : null;
  },
});

/** Quota charges outside write batches: check-and-charge in one write transaction (SQLite has one writer). */
export class SqliteQuotas implements QuotaPersister {
  constructor(private readonly c: SqliteConnection) {}

  async take(rules: QuotaRule[], at: number) {
    return this.c.writes.run(() => {
      const verdict = evaluateQuota([rules], at, chargeReader(this.c));
      if (!verdict.ok) return verdict;
      const until = chargesEnd(rules, at);
      const charges: ChargeRef[] = [...until.keys()].map((key) => ({ key, id: randomUUID() }));
      for (const ch of charges)
        this.c.stmt('INSERT INTO quota_charges (key, at, ref, expires_at) VALUES (?, ?, ?, ?)').run(ch.key, at, ch.id, until.get(ch.key));
      return { ok: true as const, charges };
    });
  }

  async check(rules: QuotaRule[], at: number) {
    return evaluateQuota([rules], at, chargeReader(this.c));
  }

  async release(charges: ChargeRef[]) {
    if (charges.length === 0) return;
    await this.c.writes.run(() => {
      for (const ch of charges) this.c.stmt('DELETE FROM quota_charges WHERE key = ? AND ref = ?').run(ch.key, ch.id);
    });
  }

  async clear(keys: string[]) {
    if (keys.length === 0) return;
    await this.c.writes.run(() => {
      for (const key of keys) this.c.stmt('DELETE FROM quota_charges WHERE key = ?').run(key);
    });
  }

  async prune(before: number, now: number) {
    return this.c.writes.run(
      () =>
        this.c.stmt('DELETE FROM quota_charges WHERE expires_at <= ?').run(now).changes +
        this.c.stmt('DELETE FROM quota_charges WHERE at <= ?').run(before).changes,
    );
  }
}
