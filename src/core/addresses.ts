import validator from 'validator';
import { CoreError } from './errors.js';

/** Control characters (CR, LF, NUL...) would let an address inject mail headers. */
const controlChars = /[\u0000-\u001f\u007f]/;

/**
 * A dot-atom local part (RFC 5322) and nothing else: no quoted strings, comments or spaces, which
 * mail libraries rewrite on the way to RCPT TO ("vic "@x and "vic"@x both become vic@x). What is
 * accepted is then exactly the address delivery uses.
 */
const dotAtom = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+)*$/;

/** Normalises and validates one mailbox address, or throws INVALID_RECIPIENT. */
export const parseRecipient = (raw: string, field = 'recipient'): string => {
  const value = raw.trim();
  const at = value.lastIndexOf('@');
  if (
    at < 1 ||
    controlChars.test(value) ||
    value.length > 254 ||
    !dotAtom.test(value.slice(0, at)) ||
    !validator.isEmail(value, { allow_display_name: false, allow_ip_domain: false })
  ) {
    throw new CoreError('INVALID_RECIPIENT', { field });
  }
  return `${value.slice(0, at)}@${value.slice(at + 1).toLowerCase()}`;
};

export const isValidRecipient = (raw: string): boolean => {
  try {
    parseRecipient(raw);
    return true;
  } catch {
    return false;
  }
};

/**
 * The key quotas count a recipient under: case-insensitive, and without a `+tag` (sub-addresses reach
 * the same mailbox at most providers, so they share its limits).
 */
export const recipientKey = (recipient: string): string => {
  const at = recipient.lastIndexOf('@');
  const local = recipient.slice(0, at).split('+')[0] || recipient.slice(0, at);
  return `${local}@${recipient.slice(at + 1)}`.toLowerCase();
};
