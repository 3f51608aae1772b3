export { DeliveryError } from '../channel.js';

/** A fully rendered email, ready for a transport. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Fixed per message: a retry carries the same one. */
  messageId: string;
  headers: Record<string, string>;
  /** SMTP envelope sender (VERP: bounces for this message come back to it); the From header otherwise. */
  returnPath: string | null;
  accountId: string | null;
  outboxId: string;
}

/** How the email channel hands mail over: SMTP, or the captured inbox. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ response: string }>;
  close(): Promise<void>;
}
