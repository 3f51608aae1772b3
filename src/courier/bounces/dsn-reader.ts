import type { AddressObject } from 'mailparser';
import type { DsnRecipient, DsnReport } from '../../core/suppressions/dsn.js';

/** Header-style fields (RFC 822 folding) of one block of a message/delivery-status body. */
const fields = (block: string): Map<string, string> => {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) out.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim());
  }
  return out;
};

/** The per-recipient blocks that follow the per-message block (RFC 3464 2.1). */
export const deliveryStatus = (body: string): DsnRecipient[] =>
  body
    .split(/\r?\n\s*\r?\n/)
    .slice(1)
    .map(fields)
    .filter((f) => f.has('action'))
    .map((f) => ({
      finalRecipient: f.get('final-recipient') ?? null,
      originalRecipient: f.get('original-recipient') ?? null,
      action: f.get('action') ?? '',
      status: f.get('status')?.split(/\s/)[0] ?? null,
      diagnostic: f.get('diagnostic-code') ?? null,
    }));

const addresses = (to: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(to) ? to : to ? [to] : []).flatMap((a) => a.value.map((v) => v.address ?? '')).filter(Boolean);

/** Reads an RFC 3464 report with mailparser; null when the mail carries no message/delivery-status part. */
export const readDsn = async (raw: Buffer): Promise<DsnReport | null> => {
  // Loaded with the first bounce, not at start: mailparser and its charset tables are ~20 MB of heap.
  const { simpleParser } = await import('mailparser');
  const mail = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextLinks: true, skipImageLinks: true });
  const status = mail.attachments.find((a) => a.contentType === 'message/delivery-status');
  if (!status) return null;
  const returned = mail.attachments.find((a) => a.contentType === 'text/rfc822-headers' || a.contentType === 'message/rfc822');
  const headers = returned ? fields(returned.content.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '') : new Map<string, string>();
  return {
    to: addresses(mail.to),
    recipients: deliveryStatus(status.content.toString('utf8')),
    returned: { messageId: headers.get('message-id') ?? null, reverifyId: headers.get('x-reverify-message') ?? null },
  };
};
