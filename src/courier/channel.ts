import type { ChannelId } from '../core/model.js';
import type { Announcement } from '../core/webhooks/events.js';
import type { ClaimedMessage, DeliveryOutcome } from './outbox-port.js';

/** What one dispatch did: delivered (with the other side's answer), or ended unsent because it is no longer wanted. */
export type Dispatched = { result: 'sent'; response: string } | { result: 'skipped'; reason: string };

/** Thrown by a channel or transport when a message was not delivered; `permanent` failures are never retried. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly response: string | null = null,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * One kind of delivery (as ory/kratos' `Channel`): it prepares and sends a claimed message of its
 * kind. Claims, leases, backoff, abandoning and the attempt log belong to the dispatcher.
 */
export interface Channel {
  readonly id: ChannelId;
  /** Prepares and sends one message; throws `DeliveryError` when it was not delivered. */
  dispatch(m: ClaimedMessage): Promise<Dispatched>;
  /** Webhook events an outcome announces, committed with the outcome (the email channel's `message.*`). */
  announce?(m: ClaimedMessage, outcome: DeliveryOutcome, now: number): Announcement[];
  close(): Promise<void>;
}
