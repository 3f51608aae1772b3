import type { ApiKeyRecord } from '../../core/accounts/port.js';
import type { CapturedMail } from '../../core/inbox/service.js';
import type { Account, DeliveryAttempt, Message, Verification } from '../../core/model.js';
import type { Subject } from '../../core/subjects/model.js';
import type { BounceRecord, Suppression } from '../../core/suppressions/port.js';
import type { WebhookEndpoint } from '../../core/webhooks/port.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export const verificationJson = (v: Verification) => ({
  id: v.id,
  account_id: v.accountId,
  subject_id: v.subjectId,
  recipient: v.recipient,
  purpose: v.purpose,
  scope: v.scope,
  state: v.state,
  locale: v.locale,
  created_at: iso(v.createdAt),
  updated_at: iso(v.updatedAt),
  expires_at: iso(v.expiresAt),
  send_count: v.sendCount,
  last_sent_at: iso(v.lastSentAt),
  confirmed_at: iso(v.confirmedAt),
  cancelled_at: iso(v.cancelledAt),
});

/** An email, or a webhook delivery (its recipient is the endpoint's id, its message_id the event's id). */
export const messageJson = (m: Message, attempts?: DeliveryAttempt[]) => ({
  id: m.id,
  channel: m.channel,
  ...(m.channel === 'webhook' ? { event: m.data.type ?? null } : {}),
  verification_id: m.verificationId,
  account_id: m.accountId,
  recipient: m.recipient,
  purpose: m.purpose,
  locale: m.locale,
  message_id: m.messageId,
  status: m.status,
  abandoned: m.abandoned,
  attempts: m.attempts,
  next_attempt_at: m.status === 'queued' || m.status === 'deferred' ? iso(m.nextAttemptAt) : null,
  last_error: m.lastError,
  response: m.response,
  sent_at: iso(m.sentAt),
  created_at: iso(m.createdAt),
  ...(attempts
    ? {
        attempt_log: attempts.map((a) => ({
          number: a.number,
          started_at: iso(a.startedAt),
          finished_at: iso(a.finishedAt),
          result: a.result,
          response: a.response,
        })),
      }
    : {}),
});

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * Links in captured mail, so sandbox users and tests can follow them without parsing HTML: the
 * targets of the HTML part's anchors, which only Reverify's own template writes (text a caller
 * supplied is escaped into the body and never becomes a link).
 */
export const linksOf = (html: string) => [
  ...new Set(
    [...html.matchAll(/<a\s[^>]*href="([^"]*)"/gi)].map((m) => (m[1] ?? '').replace(/&(amp|lt|gt|quot|#39);/g, (e) => entities[e] ?? e)),
  ),
];

export const inboxJson = (m: CapturedMail) => ({
  id: m.id,
  message_id: m.messageId,
  to: m.to,
  from: m.from,
  subject: m.subject,
  text: m.text,
  html: m.html,
  links: linksOf(m.html),
  captured_at: iso(m.capturedAt),
});

/** What confirming tells the token holder: that it worked, and nothing about whose verification it was. */
export const confirmationJson = (v: Verification) => ({ state: v.state, purpose: v.purpose, confirmed_at: iso(v.confirmedAt) });

export const subjectJson = (s: Subject, verifications?: Verification[]) => {
  const base = { id: s.id, account_id: s.accountId, state: s.state, created_at: iso(s.createdAt), updated_at: iso(s.updatedAt) };
  const vs = verifications ? { verifications: verifications.map(verificationJson) } : {};
  switch (s.kind) {
    case 'smime_order':
      return { ...base, type: 'smime', order_number: s.number, emails: s.emails, ...vs };
    case 'ssl_order':
      return {
        ...base,
        type: 'ssl',
        order_number: s.number,
        base_order_number: s.baseNumber,
        domains: s.domains,
        dcv_email: s.dcvEmail,
        ...vs,
      };
    case 'email_identity':
      return { ...base, email: s.emails[0] ?? null, ...vs };
    case 'signup':
      return {
        ...base,
        email_address: s.emails[0] ?? null,
        first_name: s.attributes.firstName ?? null,
        last_name: s.attributes.lastName ?? null,
        ...vs,
      };
  }
};

export const accountJson = (a: Account) => ({
  id: a.id,
  name: a.name,
  login_name: a.loginName,
  permissions: a.permissions,
  created_at: iso(a.createdAt),
});

export const apiKeyJson = (k: ApiKeyRecord) => ({
  id: k.id,
  account_id: k.accountId,
  role: k.role,
  label: k.label,
  hint: `…${k.hint}`,
  created_at: iso(k.createdAt),
  revoked_at: iso(k.revokedAt),
});

export const webhookJson = (e: WebhookEndpoint) => ({
  id: e.id,
  account_id: e.accountId,
  url: e.url,
  events: e.events,
  created_at: iso(e.createdAt),
});

export const bounceJson = (b: BounceRecord) => ({
  kind: b.kind,
  status: b.status,
  diagnostic: b.diagnostic,
  received_at: iso(b.receivedAt),
});

export const suppressionJson = (x: Suppression) => ({
  address: x.address,
  account_id: x.accountId,
  reason: x.reason,
  message_id: x.messageId,
  detail: x.detail,
  created_at: iso(x.createdAt),
});
