import type { MessageStatus } from '../../core/model.js';
import { messageStatuses } from '../../core/model.js';
import type { ClaimedMessage, DeliveryOutcome } from '../../core/ports.js';
import * as rows from '../rows.js';
import type { Row } from './connection.js';
import { SqliteVerificationTables } from './verification-tables.js';

/** The outbox: leased claims, completions and the queue's shape. */
export class SqliteOutbox extends SqliteVerificationTables {
  private readonly claimTx = (owner: string, limit: number, leaseMs: number, now: number): ClaimedMessage[] => {
    // Attempts cut short by an expired lease, found through the messages' index and the attempts' key.
    this.stmt(
      `UPDATE delivery_attempts SET result = 'lost', finished_at = @now, response = 'lease expired before the attempt ended'
       WHERE result = 'in_flight' AND (message_id, number) IN (SELECT id, attempts FROM messages WHERE status = 'sending' AND lease_until < @now)`,
    ).run({ now });
    // Each status read in its index's order, so a long backlog is never sorted to take a few.
    const due = [
      ...this.all(
        "SELECT id, next_attempt_at AS t FROM messages WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
        now,
        limit,
      ),
      ...this.all(
        "SELECT id, next_attempt_at AS t FROM messages WHERE status = 'deferred' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
        now,
        limit,
      ),
      ...this.all("SELECT id, lease_until AS t FROM messages WHERE status = 'sending' AND lease_until < ? LIMIT ?", now, limit),
    ]
      .sort((a, b) => Number(a.t) - Number(b.t))
      .slice(0, limit);
    const claimed = due.map((d) =>
      rows.toMessage(
        this.stmt(
          `UPDATE messages SET status = 'sending', lease_owner = @owner, lease_until = @until, attempts = attempts + 1
           WHERE id = @id RETURNING *`,
        ).get({ owner, until: now + leaseMs, id: d.id }) as Row,
      ),
    );
    return claimed.map((m) => {
      this.stmt("INSERT INTO delivery_attempts (message_id, number, started_at, result) VALUES (?, ?, ?, 'in_flight')").run(
        m.id,
        m.attempts,
        now,
      );
      const c = this.one(
        `SELECT v.state AS state, t.sealed AS sealed, t.used_at AS used_at, t.expires_at AS expires_at
         FROM verifications v LEFT JOIN tokens t ON t.id = ? WHERE v.id = ?`,
        m.tokenId,
        m.verificationId,
      );
      return {
        ...m,
        verificationState: c ? (c.state as ClaimedMessage['verificationState']) : null,
        token:
          c && c.expires_at !== null
            ? {
                sealed: c.sealed === null ? null : String(c.sealed),
                usedAt: c.used_at === null ? null : Number(c.used_at),
                expiresAt: Number(c.expires_at),
              }
            : null,
      };
    });
  };

  async claim(owner: string, limit: number, leaseMs: number, now: number) {
    return this.writes.run(() => this.claimTx(owner, limit, leaseMs, now));
  }

  private readonly completeTx = (id: string, owner: string, o: DeliveryOutcome, now: number): boolean => {
    const owned = "WHERE id = @id AND lease_owner = @owner AND status = 'sending'";
    const release = 'lease_owner = NULL, lease_until = NULL';
    const params = { id, owner, now };
    const changed =
      o.result === 'sent'
        ? this.stmt(`UPDATE messages SET status = 'sent', sent_at = @now, smtp_response = @response, ${release} ${owned}`).run({
            ...params,
            response: o.response,
          })
        : o.result === 'deferred'
          ? this.stmt(`UPDATE messages SET status = 'deferred', next_attempt_at = @next, last_error = @error, ${release} ${owned}`).run({
              ...params,
              next: o.nextAttemptAt,
              error: o.error,
            })
          : this.stmt(`UPDATE messages SET status = 'failed', abandoned = @abandoned, last_error = @error, ${release} ${owned}`).run({
              ...params,
              abandoned: o.abandoned ? 1 : 0,
              error: o.error,
            });
    if (changed.changes === 0) return false;
    this.stmt("UPDATE delivery_attempts SET result = ?, finished_at = ?, response = ? WHERE message_id = ? AND result = 'in_flight'").run(
      o.result,
      now,
      o.result === 'sent' ? o.response : o.error,
      id,
    );
    return true;
  };

  async complete(id: string, owner: string, outcome: DeliveryOutcome, now: number) {
    return this.writes.run(() => this.completeTx(id, owner, outcome, now));
  }

  async suppress(id: string, owner: string, reason: string, now: number) {
    return this.writes.run(() => this.suppressTx(id, owner, reason, now));
  }

  private suppressTx(id: string, owner: string, reason: string, now: number): boolean {
    const done = this.stmt(
      "UPDATE messages SET status = 'suppressed', last_error = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ? AND status = 'sending'",
    ).run(reason, id, owner);
    if (done.changes === 0) return false;
    this.stmt(
      "UPDATE delivery_attempts SET result = 'failed', finished_at = ?, response = ? WHERE message_id = ? AND result = 'in_flight'",
    ).run(now, reason, id);
    return true;
  }

  async queueDepth() {
    const depth = Object.fromEntries(messageStatuses.map((s) => [s, 0])) as Record<MessageStatus, number>;
    for (const r of this.all('SELECT status, count(*) AS n FROM messages GROUP BY status')) depth[r.status as MessageStatus] = Number(r.n);
    return depth;
  }

  async nextDueAt() {
    const r = this.one(
      `SELECT min(t) AS t FROM (
         SELECT min(next_attempt_at) AS t FROM messages WHERE status IN ('queued', 'deferred')
         UNION ALL SELECT min(lease_until) FROM messages WHERE status = 'sending')`,
    );
    return r?.t === null || r?.t === undefined ? null : Number(r.t);
  }
}
