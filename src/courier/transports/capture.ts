import type { CapturedInbox } from '../../core/inbox/service.js';
import type { MailTransport, OutgoingMail } from './transport.js';

/** Delivers nowhere: stores the mail for the captured inbox (the sandbox default). */
export class CaptureTransport implements MailTransport {
  constructor(
    private readonly inbox: CapturedInbox,
    private readonly now: () => number = Date.now,
  ) {}

  async send(mail: OutgoingMail) {
    await this.inbox.capture({
      id: mail.outboxId,
      accountId: mail.accountId,
      messageId: mail.messageId,
      to: mail.to,
      from: mail.from,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: mail.headers,
      capturedAt: this.now(),
    });
    return { response: '250 captured' };
  }

  async close() {}
}
