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
  accountId: string | null;
  outboxId: string;
}

/** Thrown by a transport; `permanent` failures (5xx) are never retried. */
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

/** The courier's channel port: two methods, as small as it can be. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ response: string }>;
  close(): Promise<void>;
}
