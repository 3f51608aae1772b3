import type { ChannelId, Message, TokenRecord, VerificationState } from '../core/model.js';
import type { Announcement } from '../core/webhooks/events.js';

export type DeliveryOutcome =
  | { result: 'sent'; response: string }
  | { result: 'deferred'; error: string; nextAttemptAt: number }
  | { result: 'failed'; error: string; abandoned: boolean };

/** A claimed message with what the courier needs to decide and render it, read in the claim itself. */
export type ClaimedMessage = Message & {
  verificationState: VerificationState | null;
  token: Pick<TokenRecord, 'sealed' | 'usedAt' | 'expiresAt'> | null;
  /** Email: the recipient is on its account's suppression list (added after the message was queued). */
  recipientSuppressed: boolean;
};

/** How many more messages a claim may take per destination, so one slow destination cannot hold every worker. */
export interface ClaimRoom {
  /** Most messages one destination has in flight at once, by channel. */
  perDestination: Record<ChannelId, number>;
  /** Destinations this claimer has messages in flight for: how many more each may take (0: none). */
  left: Readonly<Record<string, number>>;
}

/**
 * The courier's view of the outbox. Concurrency, across every node sharing the database:
 * - `claim` takes only due rows (queued or deferred with `nextAttemptAt <= now`, or sending with an
 *   expired lease), oldest due first, and records the lease in the same statement: a message is held
 *   by at most one owner until its lease expires; an attempt cut short by an expired lease is recorded
 *   as `lost`. Within one claim, no destination gets more than its room (per claimer, not per cluster).
 * - `complete` and `suppress` apply only while `owner` still holds the lease (false otherwise), so a
 *   node that lost its lease never overwrites the outcome of the node that took over. A `sent` outcome
 *   clears `lastError`: the attempt log keeps the failures before it.
 * - `complete`'s announcements become webhook deliveries in the same transaction as the outcome, and
 *   only if the outcome is recorded.
 */
export interface Outbox {
  claim(owner: string, limit: number, leaseMs: number, now: number, room?: ClaimRoom): Promise<ClaimedMessage[]>;
  complete(messageId: string, owner: string, outcome: DeliveryOutcome, now: number, announce?: Announcement[]): Promise<boolean>;
  /** Ends a claimed message without sending it: its verification (or endpoint) no longer needs it. */
  suppress(messageId: string, owner: string, reason: string, now: number): Promise<boolean>;
  /** Earliest time a queued or deferred message becomes due, or a lease expires, for the worker's sleep. */
  nextDueAt(): Promise<number | null>;
}
