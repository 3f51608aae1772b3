import type { ErrorCode, ErrorDetails } from '../../core/errors.js';

/** DigiCert's error codes used here, each with its status and message: the dialect's one table. */
export const digicertErrors = {
  access_denied: { status: 401, message: 'The API key is missing, unknown or revoked.' },
  'access_denied|missing_permission': { status: 403, message: 'The API key does not have permission for this action.' },
  'not_found|order': { status: 404, message: 'Order not found.' },
  'not_found|route': { status: 404, message: 'The requested route was not found.' },
  'not_found|domain': { status: 404, message: 'Domain not found, or no order of this account awaits its validation.' },
  bad_request_format: { status: 400, message: 'The request body is malformed' },
  invalid_dcv_email: { status: 400, message: 'The email address is not an allowed DCV email address for the domain.' },
  'invalid_dcv_email|suppressed': {
    status: 400,
    message: 'Email to this DCV address bounced; it is on the suppression list until an administrator lifts it.',
  },
  invalid_domain: { status: 400, message: 'The domain is not a valid pending domain of this order.' },
  invalid_locale: { status: 400, message: 'The locale is not supported.' },
  invalid_order_status: { status: 400, message: 'The order is not awaiting email domain control validation.' },
  request_limit_exceeded: { status: 429, message: 'Too many requests. Try again later.' },
  server_error: { status: 500, message: 'The request could not be processed.' },
  service_unavailable: { status: 503, message: 'The service is temporarily unavailable. Try again later.' },
} as const;

export type DigicertCode = keyof typeof digicertErrors;

export class DigicertError extends Error {
  constructor(
    readonly codes: DigicertCode[],
    readonly retryAfterSeconds?: number,
  ) {
    super(codes.join(', '));
  }

  get status(): number {
    return Math.max(...this.codes.map((c) => digicertErrors[c].status));
  }

  body() {
    return { errors: this.codes.map((code) => ({ code, message: digicertErrors[code].message })) };
  }
}

/** Core codes in DigiCert's terms; anything unlisted is a server error. */
export const fromCore = (code: ErrorCode, details: ErrorDetails = {}): DigicertError => {
  switch (code) {
    case 'SUBJECT_NOT_FOUND':
      return new DigicertError(['not_found|order']);
    case 'UNAUTHENTICATED':
      return new DigicertError(['access_denied']);
    case 'FORBIDDEN':
      return new DigicertError(['access_denied|missing_permission']);
    case 'SUBJECT_STATE_INVALID':
      return new DigicertError(['invalid_order_status']);
    case 'VALIDATION_FAILED':
    case 'INVALID_RECIPIENT': {
      // One entry per kind of problem among the request's addresses.
      const codes = new Set<DigicertCode>(
        (details.problems ?? ['invalid_email']).map((p) => (p === 'unknown_name' ? 'invalid_domain' : 'invalid_dcv_email')),
      );
      return new DigicertError([...codes]);
    }
    case 'RECIPIENT_SUPPRESSED':
      return new DigicertError(['invalid_dcv_email|suppressed']);
    case 'QUOTA_EXCEEDED':
      return new DigicertError(['request_limit_exceeded'], Math.max(1, Math.ceil((details.retryAfterMs ?? 1000) / 1000)));
    default:
      return new DigicertError(['server_error']);
  }
};

/** DigiCert's usual locale codes (chosen set); the email falls back to English where no translation ships. */
export const digicertLocales = ['de', 'en', 'es', 'fr', 'it', 'ja', 'ko', 'nl', 'pt', 'zh_CN', 'zh_TW'] as const;
