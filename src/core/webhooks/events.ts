import type { Message, Verification } from '../model.js';

/** What an account's endpoints can subscribe to. */
export const webhookEventTypes = [
  'verification.created',
  'message.sent',
  'message.deferred',
  'message.failed',
  'message.bounced',
  'verification.confirmed',
  'verification.expired',
  'verification.cancelled',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

export const isWebhookEventType = (v: string): v is WebhookEventType => (webhookEventTypes as readonly string[]).includes(v);

/**
 * An event to tell the account's subscribed endpoints about, committed with the change it reports:
 * the adapter turns it into one webhook delivery per subscribed endpoint in the same transaction.
 */
export interface Announcement {
  /** Also the deliveries' `webhook-id`: the same for every endpoint and every retry. */
  id: string;
  type: WebhookEventType;
  accountId: string | null;
  verificationId: string;
  purpose: Verification['purpose'];
  locale: string;
  at: number;
  /** The Standard Webhooks body, serialised once: `{type, timestamp, data}`. */
  body: string;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** What an event says about a verification: never its token. */
export const verificationData = (v: Verification) => ({
  verification_id: v.id,
  account_id: v.accountId,
  subject_id: v.subjectId,
  recipient: v.recipient,
  purpose: v.purpose,
  state: v.state,
  locale: v.locale,
  send_count: v.sendCount,
  created_at: iso(v.createdAt),
  expires_at: iso(v.expiresAt),
  confirmed_at: iso(v.confirmedAt),
  cancelled_at: iso(v.cancelledAt),
});

/** What an event says about one email. */
export const messageData = (m: Message, extra: Record<string, unknown> = {}) => ({
  message_id: m.id,
  verification_id: m.verificationId,
  account_id: m.accountId,
  recipient: m.recipient,
  purpose: m.purpose,
  attempt: m.attempts,
  ...extra,
});

export const announcement = (
  id: string,
  type: WebhookEventType,
  about: Pick<Verification, 'accountId' | 'purpose' | 'locale'> & { verificationId: string },
  at: number,
  data: Record<string, unknown>,
): Announcement => ({
  id,
  type,
  accountId: about.accountId,
  verificationId: about.verificationId,
  purpose: about.purpose,
  locale: about.locale,
  at,
  body: JSON.stringify({ type, timestamp: new Date(at).toISOString(), data }),
});

/** An event about a verification's own state. */
export const announceVerification = (id: string, type: WebhookEventType, v: Verification, at: number): Announcement =>
  announcement(id, type, { ...v, verificationId: v.id }, at, verificationData(v));

/** An event about one email of a verification. */
export const announceMessage = (id: string, type: WebhookEventType, m: Message, at: number, extra: Record<string, unknown> = {}) =>
  announcement(id, type, m, at, messageData(m, extra));
