import type { Change, CommitResult, Transactor, WriteBatch } from '../../core/unit-of-work.js';
import { chargedKeys, evaluateQuota } from '../quota.js';
import * as rows from '../rows.js';
import { ChainedInserts } from './chains.js';
import { Abort, isConstraintError, type Row, type SqliteConnection } from './connection.js';
import { chargeReader } from './quotas.js';
import { announceTx } from './webhooks.js';

/**
 * Applies write batches through the group-commit queue. Within a batch: the suppression and quota checks first, then
 * the version-guarded updates (the first of them can still refuse cleanly, having written nothing),
 * then every insert.
 */
export class SqliteTransactor implements Transactor {
  constructor(private readonly c: SqliteConnection) {}

  /** `UPDATE ... SET <changed columns> WHERE id = ? AND version = <before>`: no row changed is a conflict. */
  private guardedUpdate<T extends { id: string; version: number }>(
    table: string,
    change: Change<T>,
    toRow: (x: T) => Row,
    wroteBefore: boolean,
  ): void {
    const set = rows.changedColumns(toRow(change.before), toRow(change.after));
    if (this.c.updateVersioned(table, set, change.before.id, change.before.version) === 0)
      throw new Abort({ ok: false, reason: 'conflict' }, !wroteBefore);
  }

  /** The batch's email recipients on their account's suppression list. */
  private suppressed(b: WriteBatch): string[] {
    const found = new Set<string>();
    for (const m of b.messages ?? []) {
      if (m.channel !== 'email') continue;
      const hit = this.c.one(
        'SELECT 1 AS hit FROM suppressions WHERE account_key = ? AND address = ?',
        m.accountId ?? '',
        m.recipient.toLowerCase(),
      );
      if (hit) found.add(m.recipient);
    }
    return [...found];
  }

  private readonly apply = (b: WriteBatch): void => {
    const suppressed = this.suppressed(b);
    if (suppressed.length > 0) throw new Abort({ ok: false, reason: 'suppressed', recipients: suppressed });
    if (b.quota?.enforce) {
      const verdict = evaluateQuota(b.quota.sends, b.quota.at, chargeReader(this.c));
      if (!verdict.ok) throw new Abort({ ok: false, reason: 'quota', rule: verdict.rule, retryAfterMs: verdict.retryAfterMs });
    }
    let wrote = false;
    for (const change of b.subjects?.update ?? []) {
      this.guardedUpdate('subjects', change, rows.subjectRow, wrote);
      wrote = true;
    }
    for (const change of b.verifications?.update ?? []) {
      this.guardedUpdate('verifications', change, rows.verificationRow, wrote);
      wrote = true;
    }
    if (b.quota) {
      for (const key of chargedKeys(b.quota.sends)) this.c.stmt('INSERT INTO quota_charges (key, at) VALUES (?, ?)').run(key, b.quota.at);
    }
    for (const s of b.subjects?.insert ?? []) this.c.insert('subjects', rows.subjectRow(s));
    for (const v of b.verifications?.insert ?? []) this.c.insert('verifications', rows.verificationRow(v));
    const chained = new ChainedInserts(this.c);
    for (const t of b.tokens?.insert ?? []) chained.insert('tokens', rows.tokenRow(t));
    // A token's id, hash and verification never change, so its update touches no index.
    for (const t of b.tokens?.update ?? []) {
      this.c
        .stmt('UPDATE tokens SET sealed = @sealed, expires_at = @expires_at, used_at = @used_at WHERE id = @id')
        .run({ id: t.id, sealed: t.sealed, expires_at: t.expiresAt, used_at: t.usedAt });
    }
    for (const m of b.messages ?? []) chained.insert('messages', rows.messageRow(m));
    for (const e of b.events ?? []) chained.insert('events', rows.eventRow(e));
    chained.finish();
    announceTx(this.c, b.announce ?? []);
  };

  async commit(batch: WriteBatch): Promise<CommitResult> {
    try {
      await this.c.writes.run(() => this.apply(batch));
      return { ok: true };
    } catch (e) {
      if (e instanceof Abort) return e.result;
      if (isConstraintError(e)) return { ok: false, reason: 'conflict' };
      throw e;
    }
  }
}
