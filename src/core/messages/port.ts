import type { DeliveryAttempt, Message, MessageStatus } from '../model.js';
import type { Page } from '../page.js';

export interface MessageFilter {
  accountId?: string;
  verificationId?: string;
  status?: MessageStatus;
  cursor?: string;
  limit: number;
}

/** Read-only views of the outbox: what was queued, and every delivery attempt. */
export interface MessageReads {
  getMessage(id: string): Promise<Message | null>;
  listMessages(filter: MessageFilter): Promise<Page<Message>>;
  attemptsOf(messageId: string): Promise<DeliveryAttempt[]>;
  queueDepth(): Promise<Record<MessageStatus, number>>;
}
