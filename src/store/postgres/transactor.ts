import type { Change, CommitResult, Transactor, WriteBatch } from '../../core/unit-of-work.js';
import { chargedKeys } from '../quota.js';
import * as rows from '../rows.js';
import { isConflict, PgConnection, Rollback, type Row } from './connection.js';
import { checkQuota, lockQuotaKeys } from './quotas.js';

/** One part of the batch's write statement: a data-modifying CTE with its parameters. */
interface Part {
  sql: string;
  params: unknown[];
  /** A guarded update: it must change exactly one row. */
  guarded?: boolean;
}

/** `UPDATE ... SET <changed columns> WHERE id = ? AND version = <before>`: no row changed is a conflict. */
const guardedUpdate = <T extends { id: string; version: number }>(table: string, change: Change<T>, toRow: (x: T) => Row): Part => {
  const set = rows.changedColumns(toRow(change.before), toRow(change.after));
  const columns = Object.keys(set);
  return {
    sql: `UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND version = ? RETURNING 1`,
    params: [...columns.map((c) => set[c]), change.before.id, change.before.version],
    guarded: true,
  };
};

const insert = (table: string, batch: Row[]): Part[] => {
  if (batch.length === 0) return [];
  const { sql, params } = PgConnection.insertSql(table, batch);
  return [{ sql, params }];
};

/** Every write of a batch after its quota check, in the order the SQLite adapter applies them. */
const partsOf = (b: WriteBatch): Part[] => {
  const tokenUpdates = b.tokens?.update ?? [];
  const charges = b.quota ? chargedKeys(b.quota.sends) : [];
  return [
    ...(b.subjects?.update ?? []).map((ch) => guardedUpdate('subjects', ch, rows.subjectRow)),
    ...(b.verifications?.update ?? []).map((ch) => guardedUpdate('verifications', ch, rows.verificationRow)),
    ...(charges.length && b.quota
      ? [{ sql: 'INSERT INTO quota_charges (key, at) SELECT k, ? FROM unnest(?::text[]) AS k', params: [b.quota.at, charges] }]
      : []),
    ...insert('subjects', (b.subjects?.insert ?? []).map(rows.subjectRow)),
    ...insert('verifications', (b.verifications?.insert ?? []).map(rows.verificationRow)),
    ...insert('tokens', (b.tokens?.insert ?? []).map(rows.tokenRow)),
    // A token's id, hash and verification never change: only these columns are written.
    ...(tokenUpdates.length
      ? [
          {
            sql: `UPDATE tokens t SET sealed = u.sealed, expires_at = u.expires_at, used_at = u.used_at
                  FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[]) AS u(id, sealed, expires_at, used_at) WHERE t.id = u.id`,
            params: [
              tokenUpdates.map((t) => t.id),
              tokenUpdates.map((t) => t.sealed),
              tokenUpdates.map((t) => t.expiresAt),
              tokenUpdates.map((t) => t.usedAt),
            ],
          },
        ]
      : []),
    ...insert('messages', (b.messages ?? []).map(rows.messageRow)),
    ...insert('events', (b.events ?? []).map(rows.eventRow)),
  ];
};

/** A table's rows may each be changed by one part of a statement only. */
const touchesARowTwice = (b: WriteBatch): boolean =>
  [b.subjects?.update, b.verifications?.update].some(
    (changes) => changes && new Set(changes.map((c) => c.before.id)).size < changes.length,
  );

/**
 * Applies a write batch in one READ COMMITTED transaction. With a quota: the advisory locks of its
 * keys first (every node serialises check-and-charge per key), then the counts. Then all writes in one
 * statement of data-modifying CTEs, whose guarded updates must each change their row: a row changed
 * since it was read (even by a transaction that commits while this one waits for the row) fails its
 * `version` guard and the whole batch is rolled back as a conflict. Unique violations, deadlocks and
 * serialization failures are conflicts too; the core re-reads and decides again.
 */
export class PgTransactor implements Transactor {
  constructor(private readonly c: PgConnection) {}

  async commit(batch: WriteBatch): Promise<CommitResult> {
    try {
      return await this.c.tx(async (q) => {
        if (batch.quota?.enforce) {
          await lockQuotaKeys(
            q,
            batch.quota.sends.flat().map((r) => r.key),
          );
          const verdict = await checkQuota(q, batch.quota.sends, batch.quota.at);
          if (!verdict.ok)
            throw new Rollback<CommitResult>({ ok: false, reason: 'quota', rule: verdict.rule, retryAfterMs: verdict.retryAfterMs });
        }
        const parts = partsOf(batch);
        if (parts.length === 0) return { ok: true } as const;
        const conflict = new Rollback<CommitResult>({ ok: false, reason: 'conflict' });
        if (touchesARowTwice(batch)) {
          for (const p of parts) if ((await q.run(p.sql, ...p.params)) !== 1 && p.guarded) throw conflict;
          return { ok: true } as const;
        }
        const guarded = parts.flatMap((p, i) => (p.guarded ? [`(SELECT count(*) FROM w${i})`] : []));
        const sql = `WITH ${parts.map((p, i) => `w${i} AS (${p.sql})`).join(', ')} SELECT ${guarded.join(' + ') || '0'} AS guarded`;
        const done = await q.one(sql, ...parts.flatMap((p) => p.params));
        if (Number(done?.guarded ?? 0) !== guarded.length) throw conflict;
        return { ok: true } as const;
      });
    } catch (e) {
      if (isConflict(e)) return { ok: false, reason: 'conflict' };
      throw e;
    }
  }
}
