import type { ChannelId, DeliveryAttempt, Message, MessageStatus } from '../model.js';
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
  queueDepth(): Promise<Record<MessageStatus, number>>;
  /** By channel: how long the longest-waiting due message (queued or deferred, its time come) has waited, in ms; 0 when none. */
  queueAge(now: number): Promise<Record<ChannelId, number>>;
}
