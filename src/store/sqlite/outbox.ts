import type { Announcement } from '../../core/webhooks/events.js';
import type { ClaimedMessage, ClaimRoom, DeliveryOutcome, Outbox } from '../../courier/outbox-port.js';
import { claimContext } from '../claim-context.js';
import { fullDestinations, RoomGate } from '../claim-room.js';
import * as rows from '../rows.js';
import { type Row, SqliteConnection } from './connection.js';
import { announceTx } from './webhooks.js';

/** Due: queued or deferred and its time has come, or sending under an expired lease. */
const DUE = `((status IN ('queued', 'deferred') AND next_attempt_at <= @now) OR (status = 'sending' AND lease_until < @now))`;

/** Candidates read per claimed slot: enough that a destination out of room rarely hides the others. */
const CANDIDATES_PER_SLOT = 4;

/** The outbox: leased claims, completions guarded by the lease owner. */
export class SqliteOutbox implements Outbox {
  constructor(private readonly c: SqliteConnection) {}

  private candidates(now: number, limit: number, full: string[]): Row[] {
    const skip = full.length > 0 ? `AND destination NOT IN (${SqliteConnection.placeholders(full)})` : '';
    const n = limit * CANDIDATES_PER_SLOT;
    // Each status read in its index's order, so a long backlog is never sorted to take a few.
    const cols = 'id, channel, destination';
    return [
      ...this.c.all(
        `SELECT ${cols}, next_attempt_at AS t FROM messages WHERE status = 'queued' AND next_attempt_at <= ? ${skip} ORDER BY next_attempt_at LIMIT ?`,
        now,
        ...full,
        n,
      ),
      ...this.c.all(
        `SELECT ${cols}, next_attempt_at AS t FROM messages WHERE status = 'deferred' AND next_attempt_at <= ? ${skip} ORDER BY next_attempt_at LIMIT ?`,
        now,
        ...full,
        n,
      ),
      ...this.c.all(
        `SELECT ${cols}, lease_until AS t FROM messages WHERE status = 'sending' AND lease_until < ? ${skip} LIMIT ?`,
        now,
        ...full,
        n,
      ),
    ].sort((a, b) => Number(a.t) - Number(b.t));
  }

  private readonly claimTx = (owner: string, limit: number, leaseMs: number, now: number, room?: ClaimRoom): ClaimedMessage[] => {
    // Attempts cut short by an expired lease, found through the messages' index and the attempts' key.
    this.c
      .stmt(
        `UPDATE delivery_attempts SET result = 'lost', finished_at = @now, response = 'lease expired before the attempt ended'
         WHERE result = 'in_flight' AND (message_id, number) IN (SELECT id, attempts FROM messages WHERE status = 'sending' AND lease_until < @now)`,
      )
      .run({ now });
    const gate = new RoomGate(room);
    const claimed: ClaimedMessage[] = [];
    for (const d of this.candidates(now, limit, fullDestinations(room))) {
      if (claimed.length >= limit) break;
      const candidate = { channel: d.channel as ClaimedMessage['channel'], destination: String(d.destination) };
      if (!gate.admits(candidate)) continue;
      // The due condition is part of the claim itself: a row another claimer took is not taken again.
      const r = this.c
        .stmt(
          `UPDATE messages SET status = 'sending', lease_owner = @owner, lease_until = @until, attempts = attempts + 1
           WHERE id = @id AND ${DUE} RETURNING *`,
        )
        .get({ owner, until: now + leaseMs, id: d.id, now }) as Row | undefined;
      if (!r) continue;
      gate.take(candidate);
      const m = rows.toMessage(r);
      this.c
        .stmt("INSERT INTO delivery_attempts (message_id, number, started_at, result) VALUES (?, ?, ?, 'in_flight')")
        .run(m.id, m.attempts, now);
      const context = this.c.one(
        `SELECT v.state AS state, t.sealed AS sealed, t.used_at AS used_at, t.expires_at AS expires_at,
                EXISTS (SELECT 1 FROM suppressions s WHERE s.account_key = ifnull(?, '') AND s.address = lower(?)) AS suppressed
         FROM verifications v LEFT JOIN tokens t ON t.id = ? WHERE v.id = ?`,
        m.accountId,
        m.channel === 'email' ? m.recipient : '',
        m.tokenId,
        m.verificationId,
      );
      claimed.push({ ...m, ...claimContext(context) });
    }
    return claimed;
  };

  async claim(owner: string, limit: number, leaseMs: number, now: number, room?: ClaimRoom) {
    return this.c.writes.run(() => this.claimTx(owner, limit, leaseMs, now, room));
  }

  private readonly completeTx = (id: string, owner: string, o: DeliveryOutcome, now: number, announce: Announcement[]): boolean => {
    const owned = "WHERE id = @id AND lease_owner = @owner AND status = 'sending'";
    const release = 'lease_owner = NULL, lease_until = NULL';
    const params = { id, owner, now };
    const changed =
      o.result === 'sent'
        ? this.c
            .stmt(`UPDATE messages SET status = 'sent', sent_at = @now, response = @response, last_error = NULL, ${release} ${owned}`)
            .run({ ...params, response: o.response })
        : o.result === 'deferred'
          ? this.c
              .stmt(`UPDATE messages SET status = 'deferred', next_attempt_at = @next, last_error = @error, ${release} ${owned}`)
              .run({ ...params, next: o.nextAttemptAt, error: o.error })
          : this.c
              .stmt(`UPDATE messages SET status = 'failed', abandoned = @abandoned, last_error = @error, ${release} ${owned}`)
              .run({ ...params, abandoned: o.abandoned ? 1 : 0, error: o.error });
    if (changed.changes === 0) return false;
    this.c
      .stmt("UPDATE delivery_attempts SET result = ?, finished_at = ?, response = ? WHERE message_id = ? AND result = 'in_flight'")
      .run(o.result, now, o.result === 'sent' ? o.response : o.error, id);
    announceTx(this.c, announce);
    return true;
  };

  async complete(id: string, owner: string, outcome: DeliveryOutcome, now: number, announce: Announcement[] = []) {
    return this.c.writes.run(() => this.completeTx(id, owner, outcome, now, announce));
  }

  async suppress(id: string, owner: string, reason: string, now: number) {
    return this.c.writes.run(() => {
      const done = this.c
        .stmt(
          "UPDATE messages SET status = 'suppressed', last_error = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ? AND status = 'sending'",
        )
        .run(reason, id, owner);
      if (done.changes === 0) return false;
      this.c
        .stmt("UPDATE delivery_attempts SET result = 'failed', finished_at = ?, response = ? WHERE message_id = ? AND result = 'in_flight'")
        .run(now, reason, id);
      return true;
    });
  }

  async nextDueAt() {
    const r = this.c.one(
      `SELECT min(t) AS t FROM (
         SELECT min(next_attempt_at) AS t FROM messages WHERE status IN ('queued', 'deferred')
         UNION ALL SELECT min(lease_until) FROM messages WHERE status = 'sending')`,
    );
    return r?.t === null || r?.t === undefined ? null : Number(r.t);
  }
}
