import type { ErrorCode } from '../../core/errors.js';

/** The native dialect's one error table: core code -> HTTP status. */
export const nativeStatus: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_RECIPIENT: 400,
  UNKNOWN_PURPOSE: 400,
  UNKNOWN_LOCALE: 400,
  ACCOUNT_NOT_FOUND: 404,
  ACCOUNT_EXISTS: 409,
  API_KEY_NOT_FOUND: 404,
  SUBJECT_NOT_FOUND: 404,
  SUBJECT_EXISTS: 409,
  SUBJECT_STATE_INVALID: 409,
  VERIFICATION_NOT_FOUND: 404,
  VERIFICATION_CONFIRMED: 409,
  VERIFICATION_CANCELLED: 409,
  VERIFICATION_EXPIRED: 410,
  MESSAGE_NOT_FOUND: 404,
  TOKEN_INVALID: 404,
  TOKEN_EXPIRED: 410,
  TOKEN_USED: 409,
  QUOTA_EXCEEDED: 429,
  RECIPIENT_SUPPRESSED: 422,
  SUPPRESSION_NOT_FOUND: 404,
  WEBHOOK_NOT_FOUND: 404,
  CONCURRENT_UPDATE: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
};

/** Codes for request-level failures that happen before the core is asked. */
export type RequestErrorCode =
  | 'MALFORMED_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE';

export interface NativeErrorBody {
  error: { code: string; message: string; field?: string; retry_after_seconds?: number; recipients?: string[] };
}
