import validator from 'validator';
import { CoreError } from './errors.js';

/** Control characters (CR, LF, NUL...) would let an address inject mail headers. */
const controlChars = /[\u0000-\u001f\u007f]/;

/** Normalises and validates one mailbox address, or throws INVALID_RECIPIENT. */
export const parseRecipient = (raw: string, field = 'recipient'): string => {
  const value = raw.trim();
  if (controlChars.test(value) || value.length > 254 || !validator.isEmail(value, { allow_display_name: false, allow_ip_domain: false })) {
    throw new CoreError('INVALID_RECIPIENT', { field });
  }
  const at = value.lastIndexOf('@');
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

/** The key quotas count a recipient under: case-insensitive. */
export const recipientKey = (recipient: string): string => recipient.toLowerCase();
