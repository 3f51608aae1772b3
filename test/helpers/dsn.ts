import nodemailer from 'nodemailer';

export interface DsnOptions {
  /** Where the report is sent: the message's VERP return path. */
  to: string;
  recipient: string;
  action?: 'failed' | 'delayed' | 'delivered';
  status?: string;
  diagnostic?: string;
  /** The returned message's headers (text/rfc822-headers), if any. */
  returned?: { messageId?: string; reverifyId?: string };
}

/** A delivery status notification as an MTA writes one (RFC 3464 multipart/report). */
export const dsn = (o: DsnOptions): string => {
  const status = o.status ?? (o.action === 'delayed' ? '4.4.1' : '5.1.1');
  const returned = o.returned
    ? [
        '--REPORT',
        'Content-Type: text/rfc822-headers',
        '',
        ...(o.returned.messageId ? [`Message-ID: ${o.returned.messageId}`] : []),
        ...(o.returned.reverifyId ? [`X-Reverify-Message: ${o.returned.reverifyId}`] : []),
        'Subject: (returned)',
        '',
      ]
    : [];
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    `To: ${o.to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="REPORT"',
    '',
    '--REPORT',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.net. Your message could not be delivered.',
    '',
    '--REPORT',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    'Arrival-Date: Thu, 1 Jan 2026 12:00:00 +0000',
    '',
    `Final-Recipient: rfc822; ${o.recipient}`,
    `Original-Recipient: rfc822;${o.recipient}`,
    `Action: ${o.action ?? 'failed'}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${o.diagnostic ?? `550 5.1.1 <${o.recipient}>: Recipient address rejected:\r\n User unknown in virtual mailbox table`}`,
    '',
    ...returned,
    '--REPORT--',
    '',
  ].join('\r\n');
};

/** Sends raw mail over SMTP to the bounce port, from the null sender as bounces are. Resolves with the server's answer. */
export const sendToBouncePort = async (port: number, to: string, raw: string | Buffer): Promise<string> => {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({ envelope: { from: '', to: [to] }, raw });
    return String(info.response);
  } finally {
    transport.close();
  }
};
