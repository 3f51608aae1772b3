/** Entities of the verification domain. Times are epoch milliseconds. */

export const purposes = ['email_ownership', 'account_activation', 'dcv', 'smime_mailbox'] as const;
export type Purpose = (typeof purposes)[number];
export const isPurpose = (v: string): v is Purpose => (purposes as readonly string[]).includes(v);

export const verificationStates = ['pending', 'confirmed', 'expired', 'cancelled'] as const;
export type VerificationState = (typeof verificationStates)[number];

export interface Account {
  id: string;
  name: string;
  loginName: string | null;
  permissions: Record<string, boolean>;
  createdAt: number;
}

export interface Verification {
  id: string;
  accountId: string | null;
  subjectId: string | null;
  /** For DCV: the names this address proves control of. */
  scope: string[];
  recipient: string;
  purpose: Purpose;
  locale: string;
  state: VerificationState;
  /** The token that the next send carries. */
  currentTokenId: string;
  expiresAt: number;
  sendCount: number;
  lastSentAt: number | null;
  confirmedAt: number | null;
  cancelledAt: number | null;
  confirmIp: string | null;
  sendIp: string | null;
  createdAt: number;
  updatedAt: number;
  /** Optimistic concurrency: every committed update increments it. */
  version: number;
}

export interface TokenRecord {
  id: string;
  verificationId: string;
  /**
   * Keyed hash of the whole token, for tokens issued before split tokens (looked up by it); null for
   * a split token, which is found by its id and checked against `verifier`.
   */
  hash: string | null;
  /** Keyed hash of a split token's secret part; null for an older token. */
  verifier: string | null;
  /** AES-256-GCM ciphertext, so the courier can render it at dispatch time; cleared once useless. */
  sealed: string | null;
  expiresAt: number;
  usedAt: number | null;
  createdAt: number;
}

/** Kinds of delivery: each has its own courier channel. */
export const channelIds = ['email', 'webhook'] as const;
export type ChannelId = (typeof channelIds)[number];

/** `suppressed`: ended unsent (its verification no longer needs it); `bounced`: a delivery status notification came back. */
export const messageStatuses = ['queued', 'sending', 'sent', 'deferred', 'failed', 'suppressed', 'bounced'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/**
 * One delivery in the outbox: an email to a recipient, or a webhook event to an endpoint. A webhook
 * delivery keeps the verification it tells about, the endpoint's id as recipient, the event's id as
 * `messageId` (Standard Webhooks' `webhook-id`, the same on every retry) and its body in `data`.
 */
export interface Message {
  id: string;
  channel: ChannelId;
  /** What per-destination limits count by: the recipient's domain for email, the endpoint's id for a webhook. */
  destination: string;
  verificationId: string;
  accountId: string | null;
  recipient: string;
  purpose: Purpose;
  locale: string;
  tokenId: string;
  /** Template data other than the token; rendered by the courier at dispatch time. */
  data: Record<string, string>;
  /** RFC 5322 Message-ID (webhook: the event id), fixed at creation so a retry is never a different message. */
  messageId: string;
  status: MessageStatus;
  attempts: number;
  abandoned: boolean;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  /** The error of the latest attempt, while the message is not sent; cleared when it is. */
  lastError: string | null;
  /** What the other side answered the successful attempt (an SMTP reply, an HTTP status and excerpt). */
  response: string | null;
  sentAt: number | null;
  createdAt: number;
}

export type AttemptResult = 'in_flight' | 'sent' | 'deferred' | 'failed' | 'lost';

export interface DeliveryAttempt {
  messageId: string;
  number: number;
  startedAt: number;
  finishedAt: number | null;
  result: AttemptResult;
  response: string | null;
}

export interface AuditEvent {
  id: string;
  at: number;
  type: string;
  accountId: string | null;
  verificationId: string | null;
  subjectId: string | null;
  /** Never holds a token or a secret. */
  detail: Record<string, unknown>;
  /** For aggregated refusals: how many the row stands for (`at` is the first). */
  count?: number;
}
