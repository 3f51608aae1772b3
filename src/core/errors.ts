/** The one catalogue of core error codes. Dialects map these to their own wire codes. */
export const errorCatalogue = {
  VALIDATION_FAILED: 'The request is not valid.',
  INVALID_RECIPIENT: 'The recipient is not a valid email address.',
  UNKNOWN_PURPOSE: 'The purpose is not one of the supported purposes.',
  UNKNOWN_LOCALE: 'The locale is not supported.',
  ACCOUNT_NOT_FOUND: 'No such account.',
  ACCOUNT_EXISTS: 'An account with this name or login already exists.',
  API_KEY_NOT_FOUND: 'No such API key.',
  SUBJECT_NOT_FOUND: 'No such subject.',
  SUBJECT_EXISTS: 'A subject with this number already exists for the account.',
  SUBJECT_STATE_INVALID: 'The subject is not in a state that allows this operation.',
  VERIFICATION_NOT_FOUND: 'No such verification.',
  VERIFICATION_CONFIRMED: 'The verification is already confirmed.',
  VERIFICATION_CANCELLED: 'The verification was cancelled.',
  VERIFICATION_EXPIRED: 'The verification has expired.',
  MESSAGE_NOT_FOUND: 'No such message.',
  TOKEN_INVALID: 'This confirmation link is not valid.',
  TOKEN_EXPIRED: 'This confirmation link has expired.',
  TOKEN_USED: 'This confirmation link has already been used.',
  QUOTA_EXCEEDED: 'Too many emails were sent; try again later.',
  RECIPIENT_SUPPRESSED: 'Mail to this address bounced; it is on the suppression list until an operator lifts it.',
  SUPPRESSION_NOT_FOUND: 'No such address on the suppression list.',
  WEBHOOK_NOT_FOUND: 'No such webhook endpoint.',
  CONCURRENT_UPDATE: 'The record changed while the request was processed; try again.',
  UNAUTHENTICATED: 'Missing or invalid credentials.',
  FORBIDDEN: 'These credentials may not perform this operation.',
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

export type QuotaRuleName =
  | 'cooldown'
  | 'recipient_daily'
  | 'account_hourly'
  | 'ip_hourly'
  | 'login_failures'
  | 'login_lock'
  | 'signature_nonce'
  | 'client_rate'
  | 'auth_failures'
  | 'ip_requests';

export interface ErrorDetails {
  /** For QUOTA_EXCEEDED: milliseconds until a retry can succeed. */
  retryAfterMs?: number;
  rule?: QuotaRuleName;
  /** The input field the error is about, where there is one. */
  field?: string;
  /** For SUBJECT_STATE_INVALID: the state that refused the operation. */
  state?: string;
  /** For VALIDATION_FAILED of several inputs at once: every problem found, in input order. */
  problems?: string[];
  /** For RECIPIENT_SUPPRESSED: the suppressed addresses the request would have mailed. */
  recipients?: string[];
}

export class CoreError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, details: ErrorDetails = {}, message?: string) {
    super(message ?? errorCatalogue[code]);
    this.name = 'CoreError';
    this.code = code;
    this.details = details;
  }
}
