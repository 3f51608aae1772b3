import type { ClaimedMessage, DeliveryOutcome, Outbox } from '../../courier/outbox-port.js';
import { claimContext } from '../claim-context.js';
import * as rows from '../rows.js';
import type { PgConnection } from './connection.js';

/**
 * A claim is one statement, so one atomic step. Due rows are read through the two partial indexes
 * (waiting by due time, leased by expiry) and locked with SKIP LOCKED, so claimers on other nodes
 * take other rows instead of waiting; the lease is recorded on the locked rows (the due condition
 * checked again on their newest version); an attempt cut short by an expired lease becomes `lost`,
 * the new attempt is logged, and what the courier needs (verification state, token) is read along.
 * $1 now, $2 limit, $3 owner, $4 lease end.
 */
const CLAIM = `
WITH waiting AS (
  SELECT id, next_attempt_at AS t FROM messages WHERE status IN ('queued', 'deferred') AND next_attempt_at <= $1
  ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED
), expired AS (
  SELECT id, lease_until AS t FROM messages WHERE status = 'sending' AND lease_until < $1
  ORDER BY lease_until LIMIT $2 FOR UPDATE SKIP LOCKED
), due AS (
  SELECT id, t FROM (SELECT * FROM waiting UNION ALL SELECT * FROM expired) d ORDER BY t LIMIT $2
), claimed AS (
  UPDATE messages m SET status = 'sending', lease_owner = $3, lease_until = $4, attempts = m.attempts + 1
  FROM due WHERE m.id = due.id
    AND ((m.status IN ('queued', 'deferred') AND m.next_attempt_at <= $1) OR (m.status = 'sending' AND m.lease_until < $1))
  RETURNING m.*, due.t AS due_at
), lost AS (
  UPDATE delivery_attempts a SET result = 'lost', finished_at = $1, response = 'lease expired before the attempt ended'
  FROM claimed c WHERE a.message_id = c.id AND a.result = 'in_flight'
), logged AS (
  INSERT INTO delivery_attempts (message_id, number, started_at, result) SELECT id, attempts, $1, 'in_flight' FROM claimed
)
SELECT c.*, v.state AS ctx_state, t.sealed AS ctx_sealed, t.used_at AS ctx_used_at, t.expires_at AS ctx_expires_at
FROM claimed c LEFT JOIN verifications v ON v.id = c.verification_id LEFT JOIN tokens t ON t.id = c.token_id AND v.id IS NOT NULL
ORDER BY c.due_at, c.id`;

/** A completion applies only while `owner` holds the lease; it also closes the attempt. $1 id, $2 owner, $3 now, $4 result, $5 response. */
const finish = (set: string) => `
WITH done AS (
  UPDATE messages SET ${set}, lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2 AND status = 'sending' RETURNING id
), closed AS (
  UPDATE delivery_attempts SET result = $4, finished_at = $3, response = $5 WHERE message_id IN (SELECT id FROM done) AND result = 'in_flight'
)
SELECT count(*) AS n FROM done`;

const SENT = finish("status = 'sent', sent_at = $3, smtp_response = $5");
const DEFERRED = finish("status = 'deferred', next_attempt_at = $6, last_error = $5");
const FAILED = finish("status = 'failed', abandoned = $6, last_error = $5");
const SUPPRESSED = finish("status = 'suppressed', last_error = $5");

/** The outbox: leased claims, completions guarded by the lease owner. */
export class PgOutbox implements Outbox {
  constructor(private readonly c: PgConnection) {}

  async claim(owner: string, limit: number, leaseMs: number, now: number): Promise<ClaimedMessage[]> {
    const rs = await this.c.rows(CLAIM, now, limit, owner, now + leaseMs);
    return rs.map((r) => ({ ...rows.toMessage(r), ...claimContext(rows.prefixed(r, 'ctx_')) }));
  }

  private async finish(sql: string, ...params: unknown[]): Promise<boolean> {
    return Number((await this.c.one(sql, ...params))?.n ?? 0) > 0;
  }

  async complete(id: string, owner: string, o: DeliveryOutcome, now: number) {
    if (o.result === 'sent') return this.finish(SENT, id, owner, now, 'sent', o.response);
    if (o.result === 'deferred') return this.finish(DEFERRED, id, owner, now, 'deferred', o.error, o.nextAttemptAt);
    return this.finish(FAILED, id, owner, now, 'failed', o.error, o.abandoned ? 1 : 0);
  }

  async suppress(id: string, owner: string, reason: string, now: number) {
    return this.finish(SUPPRESSED, id, owner, now, 'failed', reason);
  }

  async nextDueAt() {
    const r = await this.c.one(
      `SELECT least((SELECT min(next_attempt_at) FROM messages WHERE status IN ('queued', 'deferred')),
                    (SELECT min(lease_until) FROM messages WHERE status = 'sending')) AS t`,
    );
    return r?.t === null || r?.t === undefined ? null : Number(r.t);
  }
}
