import type { Page } from '../page.js';

/** A captured email as stored: the recipient in clear (to search by), the rest sealed with the server key. */
export interface StoredCapture {
  id: string;
  accountId: string | null;
  to: string;
  /** AES-256-GCM sealed JSON of the message (subject, from, text, html, headers, Message-ID). */
  sealed: string;
  capturedAt: number;
}

export interface InboxFilter {
  to?: string;
  accountId?: string;
  cursor?: string;
  limit: number;
}

/** The captured inbox (sandbox mail). Capturing one outbox message twice keeps one copy. */
export interface InboxPersister {
  capture(mail: StoredCapture): Promise<void>;
  getCaptured(id: string): Promise<StoredCapture | null>;
  listInbox(filter: InboxFilter): Promise<Page<StoredCapture>>;
}
