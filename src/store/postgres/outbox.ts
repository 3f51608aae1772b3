import type { Announcement } from '../../core/webhooks/events.js';
import type { ClaimedMessage, ClaimRoom, DeliveryOutcome, Outbox } from '../../courier/outbox-port.js';
import { claimContext } from '../claim-context.js';
import { fullDestinations } from '../claim-room.js';
import * as rows from '../rows.js';
import { announceSql } from './announce.js';
import type { PgConnection } from './connection.js';

/** Candidates read per claimed slot: enough that a destination out of room rarely hides the others. */
const CANDIDATES_PER_SLOT = 4;
/** No per-destination limit: a claim without room information. */
const UNLIMITED = 2_147_483_647;

/**
 * A claim is one statement, so one atomic step. Due rows are read through the two partial indexes
 * (waiting by due time, leased by expiry) and locked with SKIP LOCKED, so claimers on other nodes
 * take other rows instead of waiting; the lease is recorded on the locked rows (the due condition
 * checked again on their newest version); an attempt cut short by an expired lease becomes `lost`,
 * the new attempt is logged, and what the courier needs (verification state, token, whether the
 * recipient was suppressed since) is read along. No destination gets more than its room: what this
 * claimer still has for it ($8/$9), else its channel's limit ($6 email, $7 webhook); a destination
 * with none ($5) is not even read.
 * $1 now, $2 limit, $3 owner, $4 lease end, $10 candidates to read.
 */
const CLAIM = `
WITH waiting AS (
  SELECT id, channel, destination, next_attempt_at AS t FROM messages
  WHERE status IN ('queued', 'deferred') AND next_attempt_at <= $1 AND destination <> ALL($5::text[])
  ORDER BY next_attempt_at LIMIT $10 FOR UPDATE SKIP LOCKED
), expired AS (
  SELECT id, channel, destination, lease_until AS t FROM messages WHERE status = 'sending' AND lease_until < $1 AND destination <> ALL($5::text[])
  ORDER BY lease_until LIMIT $10 FOR UPDATE SKIP LOCKED
), ranked AS (
  SELECT d.id, d.t, row_number() OVER (PARTITION BY d.destination ORDER BY d.t, d.id) AS n,
         coalesce(r.room, CASE d.channel WHEN 'webhook' THEN $7::int ELSE $6::int END) AS room
  FROM (SELECT * FROM waiting UNION ALL SELECT * FROM expired) d
  LEFT JOIN unnest($8::text[], $9::int[]) AS r(destination, room) ON r.destination = d.destination
), due AS (
  SELECT id, t FROM ranked WHERE n <= room ORDER BY t LIMIT $2
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
SELECT c.*, v.state AS ctx_state, t.sealed AS ctx_sealed, t.used_at AS ctx_used_at, t.expires_at AS ctx_expires_at,
  (c.channel = 'email' AND EXISTS (SELECT 1 FROM suppressions s WHERE s.account_key = coalesce(c.account_id, '') AND s.address = lower(c.recipient))) AS ctx_suppressed
FROM claimed c LEFT JOIN verifications v ON v.id = c.verification_id LEFT JOIN tokens t ON t.id = c.token_id AND v.id IS NOT NULL
ORDER BY c.due_at, c.id`;

/**
 * A completion applies only while `owner` holds the lease; it also closes the attempt and, only if it
 * applied, announces its webhook events. $1 id, $2 owner, $3 now, $4 result, $5 response.
 */
const finish = (set: string, announce = '') => `
WITH done AS (
  UPDATE messages SET ${set}, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ? AND status = 'sending' RETURNING id
), closed AS (
  UPDATE delivery_attempts SET result = ?, finished_at = ?, response = ? WHERE message_id IN (SELECT id FROM done) AND result = 'in_flight'
)${announce ? `, announced AS (${announce})` : ''}
SELECT count(*) AS n FROM done`;

const SENT = "status = 'sent', sent_at = ?, response = ?, last_error = NULL";
const DEFERRED = "status = 'deferred', next_attempt_at = ?, last_error = ?";
const FAILED = "status = 'failed', abandoned = ?, last_error = ?";
const SUPPRESSED = "status = 'suppressed', last_error = ?";

/** The outbox: leased claims, completions guarded by the lease owner. */
export class PgOutbox implements Outbox {
  constructor(private readonly c: PgConnection) {}

  async claim(owner: string, limit: number, leaseMs: number, now: number, room?: ClaimRoom): Promise<ClaimedMessage[]> {
    const left = Object.entries(room?.left ?? {});
    const rs = await this.c.rows(
      CLAIM,
      now,
      limit,
      owner,
      now + leaseMs,
      fullDestinations(room),
      room?.perDestination.email ?? UNLIMITED,
      room?.perDestination.webhook ?? UNLIMITED,
      left.map(([destination]) => destination),
      left.map(([, n]) => n),
      limit * CANDIDATES_PER_SLOT,
    );
    return rs.map((r) => ({ ...rows.toMessage(r), ...claimContext(rows.prefixed(r, 'ctx_')) }));
  }

  /** `set` and its parameters, then the attempt's result and response, then any announcements: one statement. */
  private async finish(
    set: string,
    setParams: unknown[],
    id: string,
    owner: string,
    now: number,
    result: string,
    response: string,
    announce: Announcement[] = [],
  ) {
    const announced = announceSql(announce, 'EXISTS (SELECT 1 FROM done)');
    const sql = finish(set, announced?.sql);
    const r = await this.c.one(sql, ...setParams, id, owner, result, now, response, ...(announced?.params ?? []));
    return Number(r?.n ?? 0) > 0;
  }

  async complete(id: string, owner: string, o: DeliveryOutcome, now: number, announce: Announcement[] = []) {
    if (o.result === 'sent') return this.finish(SENT, [now, o.response], id, owner, now, 'sent', o.response, announce);
    if (o.result === 'deferred') return this.finish(DEFERRED, [o.nextAttemptAt, o.error], id, owner, now, 'deferred', o.error, announce);
    return this.finish(FAILED, [o.abandoned ? 1 : 0, o.error], id, owner, now, 'failed', o.error, announce);
  }

  async suppress(id: string, owner: string, reason: string, now: number) {
    return this.finish(SUPPRESSED, [reason], id, owner, now, 'failed', reason);
  }

  async nextDueAt() {
    const r = await this.c.one(
      `SELECT least((SELECT min(next_attempt_at) FROM messages WHERE status IN ('queued', 'deferred')),
                    (SELECT min(lease_until) FROM messages WHERE status = 'sending')) AS t`,
    );
    return r?.t === null || r?.t === undefined ? null : Number(r.t);
  }
}
