import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { SmtpThread, type ThreadError } from './smtp-thread.js';
import { DeliveryError, type MailTransport, type OutgoingMail } from './transport.js';

/** Pool options from `smtp://[user:pw@]host:port` or `smtps://...`; `?rejectUnauthorized=false` for self-signed relays. */
export const smtpOptions = (url: string): SMTPPool.Options => {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    pool: true,
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    maxConnections: Number(u.searchParams.get('maxConnections') ?? 5),
    // The pool would otherwise reconnect after every 100 messages.
    maxMessages: Number.POSITIVE_INFINITY,
    requireTLS: u.searchParams.get('requireTLS') === 'true',
    tls: { rejectUnauthorized: u.searchParams.get('rejectUnauthorized') !== 'false' },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
};

/** What nodemailer signs outgoing mail with (RFC 6376), when DKIM is configured. */
export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/** nodemailer's message for one email. */
const nodemailerMessage = (mail: OutgoingMail) => ({
  from: mail.from,
  to: mail.to,
  subject: mail.subject,
  text: mail.text,
  html: mail.html,
  messageId: mail.messageId,
  headers: mail.headers,
  ...(mail.returnPath ? { envelope: { from: mail.returnPath, to: [mail.to] } } : {}),
});

/** 5xx replies are permanent; 4xx, network errors and a lost thread are not. */
const deliveryErrorOf = (err: ThreadError): DeliveryError => {
  const code = err.responseCode;
  const response = err.response ?? null;
  return new DeliveryError(response ?? `${err.code ?? 'ERROR'}: ${err.message}`, code !== undefined && code >= 500 && code < 600, response);
};

/** SMTP through nodemailer's pooled transport, on a thread of its own (smtp-thread.ts). */
export class SmtpTransport implements MailTransport {
  private readonly thread;

  constructor(url: string, options: { dkim?: DkimKey | null } = {}) {
    this.thread = new SmtpThread({ ...smtpOptions(url), ...(options.dkim ? { dkim: options.dkim } : {}) });
  }

  async send(mail: OutgoingMail) {
    const reply = await this.thread.send(nodemailerMessage(mail));
    if (reply.ok) return { response: reply.response };
    throw deliveryErrorOf(reply.error);
  }

  async close() {
    await this.thread.close();
  }
}
