import type { Message, TokenRecord, VerificationState } from '../core/model.js';

export type DeliveryOutcome =
  | { result: 'sent'; response: string }
  | { result: 'deferred'; error: string; nextAttemptAt: number }
  | { result: 'failed'; error: string; abandoned: boolean };

/** A claimed message with what the courier needs to decide and render it, read in the claim itself. */
export type ClaimedMessage = Message & {
  verificationState: VerificationState | null;
  token: Pick<TokenRecord, 'sealed' | 'usedAt' | 'expiresAt'> | null;
};

/**
 * The courier's view of the outbox. Concurrency, across every node sharing the database:
 * - `claim` takes only due rows (queued or deferred with `nextAttemptAt <= now`, or sending with an
 *   expired lease) and records the lease in the same statement: a message is held by at most one
 *   owner until its lease expires; an attempt cut short by an expired lease is recorded as `lost`.
 * - `complete` and `suppress` apply only while `owner` still holds the lease (false otherwise), so a
 *   node that lost its lease never overwrites the outcome of the node that took over.
 */
export interface Outbox {
  claim(owner: string, limit: number, leaseMs: number, now: number): Promise<ClaimedMessage[]>;
  complete(messageId: string, owner: string, outcome: DeliveryOutcome, now: number): Promise<boolean>;
  /** Ends a claimed message without sending it: its verification no longer needs it. */
  suppress(messageId: string, owner: string, reason: string, now: number): Promise<boolean>;
  /** Earliest time a queued or deferred message becomes due, for the worker's sleep. */
  nextDueAt(): Promise<number | null>;
}
