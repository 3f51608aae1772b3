import type { QuotaRuleName } from './errors.js';
import type { AuditEvent, Message, TokenRecord, Verification } from './model.js';
import type { QuotaRule } from './quotas/port.js';
import type { Subject } from './subjects/model.js';
import type { Announcement } from './webhooks/events.js';

/** An update of a versioned record: what was read, and what it becomes (`after.version === before.version + 1`). */
export interface Change<T extends { id: string; version: number }> {
  before: T;
  after: T;
}

/** Everything one command changes, applied in one transaction or not at all. */
export interface WriteBatch {
  /**
   * Checked and charged inside the transaction. Each entry of `sends` is the rule set of one send;
   * `enforce: false` charges without refusing (seeding an order that exists at the vendor).
   */
  quota?: { sends: QuotaRule[][]; at: number; enforce: boolean };
  subjects?: { insert?: Subject[]; update?: Change<Subject>[] };
  verifications?: { insert?: Verification[]; update?: Change<Verification>[] };
  /** Token updates carry no guard of their own: a batch touching tokens also updates their verification. */
  tokens?: { insert?: TokenRecord[]; update?: TokenRecord[] };
  /** Emails are refused (`suppressed`) if any recipient is on its account's suppression list. */
  messages?: Message[];
  events?: AuditEvent[];
  /** Webhook events: each becomes one delivery per subscribed endpoint of its account, in this transaction. */
  announce?: Announcement[];
}

export type CommitResult =
  | { ok: true }
  | { ok: false; reason: 'conflict' }
  | { ok: false; reason: 'quota'; rule: QuotaRuleName; retryAfterMs: number }
  | { ok: false; reason: 'suppressed'; recipients: string[] };

/**
 * Applies write batches. Guarantees, on every adapter and across nodes sharing one database:
 * - Atomic: the whole batch is visible to other readers at once, or nothing of it ever is.
 * - Version guards in the statement: an update applies only where the stored version still equals
 *   `before.version`; if any guarded row changed (or vanished) since it was read, the batch is
 *   refused with `conflict` and nothing is written. Of two batches updating one version, at most one
 *   commits.
 * - Unique keys (subject numbers, token hashes, ids): a batch that would duplicate one is a `conflict`.
 * - Quota: a batch's sends are checked and charged in its transaction; two batches that would
 *   together exceed a limit cannot both commit, whichever nodes they run on.
 * - Suppression: checked in the transaction, before the quota (an indexed lookup per email): a batch
 *   queueing email to an address on its account's suppression list is refused with `suppressed`,
 *   naming those recipients, and writes nothing. A suppression committed before the batch is seen.
 * - Announcements: expanded to the endpoints subscribed when the batch commits, in its transaction.
 */
export interface Transactor {
  commit(batch: WriteBatch): Promise<CommitResult>;
}
