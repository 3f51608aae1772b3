import type { Page } from '../page.js';
import { type ServerKeys, seal, unseal } from '../secrets.js';
import type { InboxFilter, InboxPersister } from './port.js';

/** A captured email as people read it. */
export interface CapturedMail {
  id: string;
  accountId: string | null;
  messageId: string;
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  capturedAt: number;
}

type SealedPart = Pick<CapturedMail, 'messageId' | 'from' | 'subject' | 'text' | 'html' | 'headers'>;

/**
 * The captured inbox. Captured mail carries live links, so everything but the recipient (kept in
 * clear to search by) is sealed with the server key at rest.
 */
export class CapturedInbox {
  constructor(
    private readonly store: InboxPersister,
    private readonly keys: ServerKeys,
  ) {}

  async capture(mail: CapturedMail): Promise<void> {
    const part: SealedPart = {
      messageId: mail.messageId,
      from: mail.from,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: mail.headers,
    };
    await this.store.capture({
      id: mail.id,
      accountId: mail.accountId,
      to: mail.to,
      sealed: seal(this.keys.seal, JSON.stringify(part)),
      capturedAt: mail.capturedAt,
    });
  }

  async get(id: string): Promise<CapturedMail | null> {
    const stored = await this.store.getCaptured(id);
    return stored ? this.open(stored) : null;
  }

  async list(filter: InboxFilter): Promise<Page<CapturedMail>> {
    const page = await this.store.listInbox(filter);
    return { ...page, items: page.items.map((m) => this.open(m)) };
  }

  private open(stored: { id: string; accountId: string | null; to: string; sealed: string; capturedAt: number }): CapturedMail {
    const part = JSON.parse(unseal(this.keys.seal, stored.sealed)) as SealedPart;
    return { id: stored.id, accountId: stored.accountId, to: stored.to, capturedAt: stored.capturedAt, ...part };
  }
}
