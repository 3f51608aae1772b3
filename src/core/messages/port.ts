import type { AuditEvent, ChannelId, DeliveryAttempt, Message, MessageStatus } from '../model.js';
import type { Page } from '../page.js';

export interface MessageFilter {
  accountId?: string;
  verificationId?: string;
  status?: MessageStatus;
  channel?: ChannelId;
  /** An email's address, or a webhook delivery's endpoint id. */
  recipient?: string;
  cursor?: string;
  limit: number;
}

/** Read-only views of the outbox: what was queued, and every delivery attempt. */
export interface MessageReads {
  getMessage(id: string): Promise<Message | null>;
  listMessages(filter: MessageFilter): Promise<Page<Message>>;
  attemptsOf(messageId: string): Promise<DeliveryAttempt[]>;
  /** Messages by status, of one account when `accountId` is given. */
  queueDepth(accountId?: string): Promise<Record<MessageStatus, number>>;
  /**
   * How long sent messages took from queued to sent, as counts per bucket: bucket i counts latencies
   * below `boundsMs[i]` (and at or above the bound before it); the last bucket counts the rest.
   */
  latencyHistogram(filter: { sentSince: number; accountId?: string; boundsMs: number[] }): Promise<number[]>;
  /** By channel: how long the longest-waiting due message (queued or deferred, its time come) has waited, in ms; 0 when none. */
  queueAge(now: number): Promise<Record<ChannelId, number>>;
}

/**
 * The one write the console makes on the outbox. Concurrency: a single guarded statement; of any
 * number of concurrent requeues of one failed message, on any nodes, exactly one answers true, and a
 * message that is not `failed` (queued, being sent, sent) is never touched. The event is written in
 * the same transaction.
 */
export interface MessageRequeue {
  /** A failed message queued again, due at `now`, its attempt count kept (the attempt log goes on). */
  requeueFailed(id: string, now: number, event: AuditEvent): Promise<boolean>;
}
