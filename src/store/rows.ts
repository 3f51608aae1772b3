import type { AccessKeyRecord, ApiKeyRecord } from '../core/accounts/port.js';
import type { Refusal } from '../core/audit/port.js';
import type { StoredCapture } from '../core/inbox/port.js';
import type { Account, AuditEvent, DeliveryAttempt, Message, TokenRecord, Verification } from '../core/model.js';
import type { Subject } from '../core/subjects/model.js';
import type { BounceRecord, Suppression } from '../core/suppressions/port.js';
import type { WebhookEndpoint } from '../core/webhooks/port.js';

/** Column <-> entity mapping shared by the SQL adapters (snake_case columns, JSON text for lists). */
export type Row = Record<string, unknown>;

const json = (v: unknown) => JSON.stringify(v);
const parse = <T>(v: unknown): T => JSON.parse(String(v)) as T;
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export const verificationRow = (v: Verification): Row => ({
  id: v.id,
  account_id: v.accountId,
  subject_id: v.subjectId,
  scope: json(v.scope),
  recipient: v.recipient,
  purpose: v.purpose,
  locale: v.locale,
  state: v.state,
  current_token_id: v.currentTokenId,
  expires_at: v.expiresAt,
  send_count: v.sendCount,
  last_sent_at: v.lastSentAt,
  confirmed_at: v.confirmedAt,
  cancelled_at: v.cancelledAt,
  confirm_ip: v.confirmIp,
  send_ip: v.sendIp,
  created_at: v.createdAt,
  updated_at: v.updatedAt,
  version: v.version,
});

export const toVerification = (r: Row): Verification => ({
  id: String(r.id),
  accountId: strOrNull(r.account_id),
  subjectId: strOrNull(r.subject_id),
  scope: parse(r.scope),
  recipient: String(r.recipient),
  purpose: r.purpose as Verification['purpose'],
  locale: String(r.locale),
  state: r.state as Verification['state'],
  currentTokenId: String(r.current_token_id),
  expiresAt: num(r.expires_at),
  sendCount: num(r.send_count),
  lastSentAt: numOrNull(r.last_sent_at),
  confirmedAt: numOrNull(r.confirmed_at),
  cancelledAt: numOrNull(r.cancelled_at),
  confirmIp: strOrNull(r.confirm_ip),
  sendIp: strOrNull(r.send_ip),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
  version: num(r.version),
});

export const tokenRow = (t: TokenRecord): Row => ({
  id: t.id,
  verification_id: t.verificationId,
  hash: t.hash,
  verifier: t.verifier,
  sealed: t.sealed,
  expires_at: t.expiresAt,
  used_at: t.usedAt,
  created_at: t.createdAt,
});

export const toToken = (r: Row): TokenRecord => ({
  id: String(r.id),
  verificationId: String(r.verification_id),
  hash: strOrNull(r.hash),
  verifier: strOrNull(r.verifier),
  sealed: strOrNull(r.sealed),
  expiresAt: num(r.expires_at),
  usedAt: numOrNull(r.used_at),
  createdAt: num(r.created_at),
});

export const subjectRow = (s: Subject): Row => ({
  id: s.id,
  account_id: s.accountId,
  kind: s.kind,
  number: s.number,
  base_number: s.baseNumber,
  state: s.state,
  emails: json(s.emails),
  domains: json(s.domains),
  dcv_email: s.dcvEmail,
  attributes: json(s.attributes),
  created_at: s.createdAt,
  updated_at: s.updatedAt,
  version: s.version,
});

export const toSubject = (r: Row): Subject => ({
  id: String(r.id),
  accountId: strOrNull(r.account_id),
  kind: r.kind as Subject['kind'],
  number: strOrNull(r.number),
  baseNumber: strOrNull(r.base_number),
  state: String(r.state),
  emails: parse(r.emails),
  domains: parse(r.domains),
  dcvEmail: strOrNull(r.dcv_email),
  attributes: parse(r.attributes),
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
  version: num(r.version),
});

export const messageRow = (m: Message): Row => ({
  id: m.id,
  channel: m.channel,
  destination: m.destination,
  verification_id: m.verificationId,
  account_id: m.accountId,
  recipient: m.recipient,
  purpose: m.purpose,
  locale: m.locale,
  token_id: m.tokenId,
  data: json(m.data),
  message_id: m.messageId,
  status: m.status,
  attempts: m.attempts,
  abandoned: m.abandoned ? 1 : 0,
  next_attempt_at: m.nextAttemptAt,
  lease_owner: m.leaseOwner,
  lease_until: m.leaseUntil,
  last_error: m.lastError,
  response: m.response,
  sent_at: m.sentAt,
  created_at: m.createdAt,
});

export const toMessage = (r: Row): Message => ({
  id: String(r.id),
  channel: r.channel as Message['channel'],
  destination: String(r.destination),
  verificationId: String(r.verification_id),
  accountId: strOrNull(r.account_id),
  recipient: String(r.recipient),
  purpose: r.purpose as Message['purpose'],
  locale: String(r.locale),
  tokenId: String(r.token_id),
  data: parse(r.data),
  messageId: String(r.message_id),
  status: r.status as Message['status'],
  attempts: num(r.attempts),
  abandoned: Boolean(r.abandoned),
  nextAttemptAt: num(r.next_attempt_at),
  leaseOwner: strOrNull(r.lease_owner),
  leaseUntil: numOrNull(r.lease_until),
  lastError: strOrNull(r.last_error),
  response: strOrNull(r.response),
  sentAt: numOrNull(r.sent_at),
  createdAt: num(r.created_at),
});

export const toAttempt = (r: Row): DeliveryAttempt => ({
  messageId: String(r.message_id),
  number: num(r.number),
  startedAt: num(r.started_at),
  finishedAt: numOrNull(r.finished_at),
  result: r.result as DeliveryAttempt['result'],
  response: strOrNull(r.response),
});

export const eventRow = (e: AuditEvent): Row => ({
  id: e.id,
  at: e.at,
  type: e.type,
  account_id: e.accountId,
  verification_id: e.verificationId,
  subject_id: e.subjectId,
  detail: json(e.detail),
});

export const toEvent = (r: Row): AuditEvent => ({
  id: String(r.id),
  at: num(r.at),
  ...(r.count !== undefined && r.count !== null && num(r.count) !== 1 ? { count: num(r.count) } : {}),
  type: String(r.type),
  accountId: strOrNull(r.account_id),
  verificationId: strOrNull(r.verification_id),
  subjectId: strOrNull(r.subject_id),
  detail: parse(r.detail),
});

export const accountRow = (a: Account, passwordHash: string | null): Row => ({
  id: a.id,
  name: a.name,
  login_name: a.loginName,
  password_hash: passwordHash,
  permissions: json(a.permissions),
  created_at: a.createdAt,
});

const HOUR_MS = 3600_000;

/** Refusals of one kind, key, account and verification within one hour share one row. */
export const refusalBucket = (r: Refusal): string =>
  [r.type, r.key, r.accountId ?? '', r.verificationId ?? '', Math.floor(r.at / HOUR_MS)].join('|');

export const toAccount = (r: Row): Account => ({
  id: String(r.id),
  name: String(r.name),
  loginName: strOrNull(r.login_name),
  permissions: parse(r.permissions),
  createdAt: num(r.created_at),
});

export const apiKeyRow = (k: ApiKeyRecord): Row => ({
  id: k.id,
  account_id: k.accountId,
  hash: k.hash,
  role: k.role,
  label: k.label,
  hint: k.hint,
  created_at: k.createdAt,
  revoked_at: k.revokedAt,
});

export const toApiKey = (r: Row): ApiKeyRecord => ({
  id: String(r.id),
  accountId: String(r.account_id),
  hash: String(r.hash),
  role: num(r.role),
  label: strOrNull(r.label),
  hint: String(r.hint),
  createdAt: num(r.created_at),
  revokedAt: numOrNull(r.revoked_at),
});

export const accessKeyRow = (k: AccessKeyRecord): Row => ({
  id: k.id,
  account_id: k.accountId,
  sealed_secret: k.sealedSecret,
  created_at: k.createdAt,
  revoked_at: k.revokedAt,
});

export const toAccessKey = (r: Row): AccessKeyRecord => ({
  id: String(r.id),
  accountId: String(r.account_id),
  sealedSecret: String(r.sealed_secret),
  createdAt: num(r.created_at),
  revokedAt: numOrNull(r.revoked_at),
});

export const capturedRow = (m: StoredCapture): Row => ({
  id: m.id,
  account_id: m.accountId,
  to_addr: m.to,
  sealed: m.sealed,
  captured_at: m.capturedAt,
});

export const toCaptured = (r: Row): StoredCapture => ({
  id: String(r.id),
  accountId: strOrNull(r.account_id),
  to: String(r.to_addr),
  sealed: String(r.sealed),
  capturedAt: num(r.captured_at),
});

export const endpointRow = (e: WebhookEndpoint): Row => ({
  id: e.id,
  account_id: e.accountId,
  url: e.url,
  events: json(e.events),
  sealed_secret: e.sealedSecret,
  created_at: e.createdAt,
  deleted_at: e.deletedAt,
});

export const toEndpoint = (r: Row): WebhookEndpoint => ({
  id: String(r.id),
  accountId: String(r.account_id),
  url: String(r.url),
  events: parse(r.events),
  sealedSecret: String(r.sealed_secret),
  createdAt: num(r.created_at),
  deletedAt: numOrNull(r.deleted_at),
});

export const suppressionRow = (x: Suppression): Row => ({
  id: x.id,
  account_key: x.accountId ?? '',
  address: x.address,
  reason: x.reason,
  message_id: x.messageId,
  detail: x.detail,
  created_at: x.createdAt,
});

export const toSuppression = (r: Row): Suppression => ({
  id: String(r.id),
  accountId: r.account_key === '' ? null : String(r.account_key),
  address: String(r.address),
  reason: r.reason as Suppression['reason'],
  messageId: strOrNull(r.message_id),
  detail: strOrNull(r.detail),
  createdAt: num(r.created_at),
});

export const bounceRow = (b: BounceRecord): Row => ({
  message_id: b.messageId,
  kind: b.kind,
  status: b.status,
  diagnostic: b.diagnostic,
  received_at: b.receivedAt,
});

export const toBounce = (r: Row): BounceRecord => ({
  messageId: String(r.message_id),
  kind: r.kind as BounceRecord['kind'],
  status: strOrNull(r.status),
  diagnostic: strOrNull(r.diagnostic),
  receivedAt: num(r.received_at),
});

/** The columns of a joined row that carry `prefix`, without it (`t_id` -> `id`). */
export const prefixed = (r: Row, prefix: string): Row => {
  const out: Row = {};
  for (const k of Object.keys(r)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = r[k];
  return out;
};

/** Cursors are opaque to clients: the last id seen, encoded. */
export const encodeCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');
export const decodeCursor = (cursor: string | undefined): string | undefined =>
  cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');

/** A page of `limit` items from `limit + 1` fetched rows. */
export const pageOf = <T extends { id: string }>(rows: T[], limit: number) => ({
  items: rows.slice(0, limit),
  nextCursor: rows.length > limit ? encodeCursor(rows[limit - 1]?.id ?? '') : null,
});

/** The columns of `after` that differ from `before` (the id excluded): what an update writes. */
export const changedColumns = (before: Row, after: Row): Row => {
  const changed: Row = {};
  for (const [column, value] of Object.entries(after)) if (column !== 'id' && before[column] !== value) changed[column] = value;
  return changed;
};
