import pg from 'pg';
import type { Change, CommitResult, Transactor, WriteBatch } from '../../core/unit-of-work.js';
import { chargedKeys, quotaChecks } from '../quota.js';
import * as rows from '../rows.js';
import { announceSql } from './announce.js';
import { isConflict, PgConnection, type Querier, Rollback, type Row } from './connection.js';
import { checkQuota, quotaLockIds } from './quotas.js';

/** One part of the batch's statement: a data-modifying CTE with its parameters. */
interface Part {
  sql: string;
  params: unknown[];
  /** A guarded update: it must change exactly one row. */
  guarded?: boolean;
}

/** `UPDATE ... SET <changed columns> WHERE id = ? AND version = <before>`: no row changed is a conflict. */
const guardedUpdate = <T extends { id: string; version: number }>(
  table: string,
  change: Change<T>,
  toRow: (x: T) => Row,
  afterQuota: string,
): Part => {
  const set = rows.changedColumns(toRow(change.before), toRow(change.after));
  const columns = Object.keys(set);
  return {
    sql: `UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND version = ?${afterQuota} RETURNING 1`,
    params: [...columns.map((c) => set[c]), change.before.id, change.before.version],
    guarded: true,
  };
};

const insert = (table: string, batch: Row[]): Part[] => {
  if (batch.length === 0) return [];
  const { sql, params } = PgConnection.insertSql(table, batch);
  return [{ sql, params }];
};

/** The suppression part: `reverify_unsuppressed` raises RV003 naming the batch's emails to suppressed addresses. */
const suppressionPart = (b: WriteBatch): Part | null => {
  const emails = (b.messages ?? []).filter((m) => m.channel === 'email');
  if (emails.length === 0) return null;
  return {
    sql: 'SELECT reverify_unsuppressed(?::text[], ?::text[], ?::text[]) AS ok',
    params: [emails.map((m) => m.accountId ?? ''), emails.map((m) => m.recipient.toLowerCase()), emails.map((m) => m.recipient)],
  };
};

/**
 * The quota part: `reverify_charge` (see the migrations) locks the keys, counts, refuses or charges.
 * It runs only after the suppression check (`s`), so a suppressed address is refused as such first.
 */
const quotaPart = (b: WriteBatch, afterSuppression: boolean): Part | null => {
  if (!b.quota) return null;
  const { sends, at, enforce } = b.quota;
  const charges = chargedKeys(sends);
  const checks = enforce ? quotaChecks(sends) : [];
  if (charges.length === 0 && checks.length === 0) return null;
  const call = 'reverify_charge(?::int[], ?::text[], ?::bigint[], ?::int[], ?::int[], ?::text[], ?, ?)';
  return {
    sql: afterSuppression ? `SELECT CASE WHEN (SELECT ok FROM s) THEN ${call} END AS ok` : `SELECT ${call} AS ok`,
    params: [
      quotaLockIds(checks.map((c) => c.rule.key)),
      checks.map((c) => c.rule.key),
      checks.map((c) => at - c.rule.windowMs),
      checks.map((c) => c.rule.limit),
      checks.map((c) => c.add),
      charges,
      at,
      enforce,
    ],
  };
};

/** Every write of a batch, in the order the SQLite adapter applies them; updates wait for the quota's locks. */
const writesOf = (b: WriteBatch, afterQuota: string): Part[] => {
  const tokenUpdates = b.tokens?.update ?? [];
  return [
    ...(b.subjects?.update ?? []).map((ch) => guardedUpdate('subjects', ch, rows.subjectRow, afterQuota)),
    ...(b.verifications?.update ?? []).map((ch) => guardedUpdate('verifications', ch, rows.verificationRow, afterQuota)),
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
    ...[announceSql(b.announce ?? [])].flatMap((a) => (a ? [a] : [])),
  ];
};

/** A table's rows may each be changed by one part of a statement only. */
const touchesARowTwice = (b: WriteBatch): boolean =>
  [b.subjects?.update, b.verifications?.update].some(
    (changes) => changes && new Set(changes.map((c) => c.before.id)).size < changes.length,
  );

const sqlState = (e: unknown) => (e instanceof pg.DatabaseError ? e.code : undefined);

/**
 * Applies a write batch as one statement, so one round trip and one atomic step: data-modifying CTEs
 * for every write, the quota check-and-charge first (the updates wait for its locks, so two batches
 * never hold a row and a quota lock against each other), and a final check that every guarded update
 * changed its row. A row changed since it was read (even by a transaction that commits while this one
 * waits for the row, READ COMMITTED) fails its `version` guard; a refused quota, a failed guard, a
 * unique violation, a deadlock or a serialization failure undoes the whole statement.
 */
export class PgTransactor implements Transactor {
  constructor(private readonly c: PgConnection) {}

  async commit(batch: WriteBatch): Promise<CommitResult> {
    try {
      return touchesARowTwice(batch) ? await this.commitStepwise(batch) : await this.commitAtOnce(batch);
    } catch (e) {
      if (sqlState(e) === 'RV001' && batch.quota) {
        // The exact wait is read after the refusal (without the locks); if the window has room by now, the race was lost.
        const verdict = await checkQuota(this.c, batch.quota.sends, batch.quota.at);
        return verdict.ok
          ? { ok: false, reason: 'conflict' }
          : { ok: false, reason: 'quota', rule: verdict.rule, retryAfterMs: verdict.retryAfterMs };
      }
      if (sqlState(e) === 'RV003') return { ok: false, reason: 'suppressed', recipients: (e as Error).message.split('\n') };
      if (isConflict(e) || sqlState(e) === 'RV002') return { ok: false, reason: 'conflict' };
      throw e;
    }
  }

  private async commitAtOnce(batch: WriteBatch): Promise<CommitResult> {
    const suppression = suppressionPart(batch);
    const quota = quotaPart(batch, suppression !== null);
    const parts = [
      ...(suppression ? [{ ...suppression, name: 's' }] : []),
      ...(quota ? [{ ...quota, name: 'q' }] : []),
      ...writesOf(batch, quota ? ' AND (SELECT ok FROM q)' : '').map((p, i) => ({ ...p, name: `w${i}` })),
    ];
    if (parts.length === 0) return { ok: true };
    const guarded = parts.filter((p) => p.guarded).map((p) => `(SELECT count(*) FROM ${p.name})`);
    const sql = `WITH ${parts.map((p) => `${p.name} AS (${p.sql})`).join(', ')}
      SELECT reverify_guard(?, ${guarded.join(' + ') || '0'}) AS guarded${suppression ? ', (SELECT ok FROM s) AS unsuppressed' : ''}${quota ? ', (SELECT ok FROM q) AS charged' : ''}`;
    await this.c.one(sql, ...parts.flatMap((p) => p.params), guarded.length);
    return { ok: true };
  }

  /** The rare batch that changes one row twice: each write a statement of its own, in one transaction. */
  private async commitStepwise(batch: WriteBatch): Promise<CommitResult> {
    return this.c.tx<CommitResult>(async (q: Querier) => {
      const suppression = suppressionPart(batch);
      if (suppression) await q.one(suppression.sql, ...suppression.params);
      const quota = quotaPart(batch, false);
      if (quota) await q.one(quota.sql, ...quota.params);
      for (const p of writesOf(batch, '')) {
        if ((await q.run(p.sql, ...p.params)) !== 1 && p.guarded) throw new Rollback<CommitResult>({ ok: false, reason: 'conflict' });
      }
      return { ok: true } as const;
    });
  }
}
