import type { ErrorCode } from '../../core/errors.js';

/** Sectigo's error codes and messages, verbatim ('xxxx' is replaced by the parameter's name). */
export const sectigoMessages = {
  '-1': 'Request was not made over https!',
  '-2': "'xxxx' is an unrecognized argument!",
  '-3': "The 'xxxx' argument is missing!",
  '-4': "The value of the 'xxxx' argument is invalid!",
  '-14': 'An unknown error occurred!',
  '-16': 'Incorrect login details, account is locked, password has expired or your source IP is blocked.',
  '-17': 'Request used GET rather than POST!',
  '-26': 'The certificate has not been issued yet.',
  '-42': 'Call limit reached! Please try again later.',
  '-90': "Permission denied for using 'voucher' with 'xxxx'.",
  '-122': 'The certificate is not in a state that allows the requested operation.',
  '-123': 'The required agreement has not been accepted.',
  '-124': 'The certificate has pending actions that must be completed before proceeding.',
  '-160': 'The attempt to resend DCV emails did not succeed.',
} as const;

export type SectigoCode = keyof typeof sectigoMessages;

/** errorItem names the parameter for these codes. */
const withItem: SectigoCode[] = ['-2', '-3', '-4'];
/** A fixed errorItem, as Sectigo's own sample error response shows it (seed 001), unencoded. */
export const fixedItems: Partial<Record<SectigoCode, string>> = { '-16': 'Incorrect login details or account is locked.' };

/** A parameter name echoed back: control characters would break the line formats, so they are replaced. */
const printable = (name: string) => name.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 100);

export class SectigoError extends Error {
  readonly item?: string;

  constructor(
    readonly code: SectigoCode,
    item?: string,
  ) {
    const shown = item === undefined ? undefined : printable(item);
    super(sectigoMessages[code].replace('xxxx', shown ?? ''));
    this.item = shown;
  }

  get errorItem(): string | undefined {
    return withItem.includes(this.code) ? this.item : fixedItems[this.code];
  }
}

/** S/MIME order states that refuse a resend, and the code each answers (the seed lost the codes; see docs). */
export const smimeStateCodes: Record<string, SectigoCode> = {
  awaiting_agreement: '-123',
  pending_actions: '-124',
  being_issued: '-26',
  collected: '-122',
  revoked: '-122',
  rejected: '-122',
  expired: '-122',
};

/** The one table from core codes to Sectigo codes; anything unlisted is -14. */
export const fromCore = (code: ErrorCode, field: string | undefined, endpoint: 'smime' | 'dcv' | 'list', state?: string): SectigoError => {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'INVALID_RECIPIENT':
    case 'SUBJECT_NOT_FOUND':
      return new SectigoError('-4', field);
    case 'SUBJECT_STATE_INVALID':
      return endpoint === 'smime' ? new SectigoError(smimeStateCodes[state ?? ''] ?? '-122') : new SectigoError('-160');
    case 'QUOTA_EXCEEDED':
      return new SectigoError('-42');
    // A bounced address: for S/MIME, the address argument is not one mail can go to; for DCV, the resend did not succeed.
    case 'RECIPIENT_SUPPRESSED':
      return endpoint === 'smime' ? new SectigoError('-4', 'emailAddress') : new SectigoError('-160');
    case 'FORBIDDEN':
      return new SectigoError('-90', field);
    default:
      return new SectigoError('-14');
  }
};
