import type { AuditEvent } from '../model.js';
import type { Page } from '../page.js';
import type { Announcement } from '../webhooks/events.js';

/** An address no email goes to for one account (null: mail of no account, such as sign-ups), until lifted. */
export interface Suppression {
  id: string;
  accountId: string | null;
  /** Lower-cased: an address is suppressed whatever its case. */
  address: string;
  reason: 'hard_bounce' | 'manual';
  /** The message whose bounce put it there. */
  messageId: string | null;
  /** The bounce's status and diagnostic, cut short. */
  detail: string | null;
  createdAt: number;
}

export interface BounceRecord {
  messageId: string;
  kind: 'hard' | 'soft';
  /** RFC 3463 status, e.g. 5.1.1. */
  status: string | null;
  diagnostic: string | null;
  receivedAt: number;
}

export interface SuppressionFilter {
  /** undefined: every list; null: the list of mail of no account. */
  accountId?: string | null;
  address?: string;
  cursor?: string;
  limit: number;
}

/** What a hard bounce changes besides the bounce row. */
export interface HardBounceEffects {
  suppression: Suppression;
  events: AuditEvent[];
  announce: Announcement[];
}

/** At most this many bounces are kept per message: inbound mail never grows storage without bound. */
export const MAX_BOUNCES_PER_MESSAGE = 5;

/**
 * Suppression lists and bounces. Guarantees, on every adapter and across nodes:
 * - The transactor refuses, inside its own transaction, a batch queueing email to a suppressed
 *   address (see `WriteBatch`): once `recordBounce` returns, no new email to that address commits.
 * - `recordBounce` is one transaction. A soft bounce writes only its row. A hard one also marks the
 *   message `bounced`, suppresses its address for its account (once: a second hard bounce keeps the
 *   first entry) and commits its events and announcements; a message already `bounced` is a
 *   `duplicate` and changes nothing. A soft bounce of a message with `MAX_BOUNCES_PER_MESSAGE`
 *   bounces is at its `limit` and changes nothing (the hard bounce that ends a message is always kept).
 * - `liftSuppression` removes the entry: sends to the address commit again from then on.
 */
export interface SuppressionPersister {
  listSuppressions(filter: SuppressionFilter): Promise<Page<Suppression>>;
  liftSuppression(accountId: string | null, address: string): Promise<boolean>;
  recordBounce(bounce: BounceRecord, hard: HardBounceEffects | null): Promise<'recorded' | 'duplicate' | 'limit'>;
  bouncesOf(messageId: string): Promise<BounceRecord[]>;
}
