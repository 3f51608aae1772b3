import { CoreError } from '../errors.js';
import type { AuditEvent, Message, Purpose, TokenRecord, Verification, VerificationState } from '../model.js';
import { keyedHash, type ServerKeys, seal } from '../secrets.js';
import type { Policies } from './policies.js';
import { issueSplitToken } from './split-token.js';

/** What the pure lifecycle steps need besides their input: keys, policies, ids and the time. */
export interface LifecycleContext {
  keys: ServerKeys;
  policies: Policies;
  newId: () => string;
  now: number;
  /** Right-hand side of generated Message-IDs. */
  messageIdDomain: string;
}

export const hashToken = (keys: ServerKeys, token: string): string => keyedHash(keys.tokenHash, token);

export const effectiveState = (v: Verification, now: number): VerificationState =>
  v.state === 'pending' && v.expiresAt <= now ? 'expired' : v.state;

export const issueToken = (ctx: LifecycleContext, verificationId: string): TokenRecord => {
  const id = ctx.newId();
  const { value, verifier } = issueSplitToken(ctx.keys, id);
  return {
    id,
    verificationId,
    hash: null,
    verifier,
    sealed: seal(ctx.keys.seal, value),
    expiresAt: ctx.now + ctx.policies.tokenTtlMs,
    usedAt: null,
    createdAt: ctx.now,
  };
};

export const event = (
  ctx: LifecycleContext,
  type: string,
  v: { id?: string; accountId: string | null; subjectId: string | null } | null,
  detail: Record<string, unknown> = {},
): AuditEvent => ({
  id: ctx.newId(),
  at: ctx.now,
  type,
  accountId: v?.accountId ?? null,
  verificationId: v?.id ?? null,
  subjectId: v?.subjectId ?? null,
  detail,
});

/** Email's destination for per-destination limits: the recipient's domain, where its mail servers are. */
export const emailDestination = (recipient: string): string => recipient.slice(recipient.lastIndexOf('@') + 1).toLowerCase();

export const outboxMessage = (ctx: LifecycleContext, v: Verification, data: Record<string, string>): Message => {
  const id = ctx.newId();
  return {
    id,
    channel: 'email',
    destination: emailDestination(v.recipient),
    verificationId: v.id,
    accountId: v.accountId,
    recipient: v.recipient,
    purpose: v.purpose,
    locale: v.locale,
    tokenId: v.currentTokenId,
    data,
    messageId: `<${id}@${ctx.messageIdDomain}>`,
    status: 'queued',
    attempts: 0,
    abandoned: false,
    nextAttemptAt: ctx.now,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    response: null,
    sentAt: null,
    createdAt: ctx.now,
  };
};

export interface NewVerificationInput {
  accountId: string | null;
  subjectId?: string | null;
  recipient: string;
  purpose: Purpose;
  locale: string;
  scope?: string[];
  ip?: string | null;
  data?: Record<string, string>;
}

export interface SendPlan {
  /** The verification as read, for a send of an existing one (an update guarded by its version); null for a new one. */
  before: Verification | null;
  verification: Verification;
  tokens: { insert: TokenRecord[]; update: TokenRecord[] };
  message: Message;
  event: AuditEvent;
}

export const planCreate = (ctx: LifecycleContext, input: NewVerificationInput): SendPlan => {
  const id = ctx.newId();
  const token = issueToken(ctx, id);
  const verification: Verification = {
    id,
    accountId: input.accountId,
    subjectId: input.subjectId ?? null,
    scope: input.scope ?? [input.recipient],
    recipient: input.recipient,
    purpose: input.purpose,
    locale: input.locale,
    state: 'pending',
    currentTokenId: token.id,
    expiresAt: token.expiresAt,
    sendCount: 1,
    lastSentAt: ctx.now,
    confirmedAt: null,
    cancelledAt: null,
    confirmIp: null,
    sendIp: input.ip ?? null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
  };
  return {
    before: null,
    verification,
    tokens: { insert: [token], update: [] },
    message: outboxMessage(ctx, verification, input.data ?? {}),
    event: event(ctx, 'verification.created', verification, { purpose: input.purpose, recipient: input.recipient }),
  };
};

export const assertPending = (v: Verification, now: number): void => {
  const state = effectiveState(v, now);
  if (state === 'confirmed') throw new CoreError('VERIFICATION_CONFIRMED');
  if (state === 'cancelled') throw new CoreError('VERIFICATION_CANCELLED');
  if (state === 'expired') throw new CoreError('VERIFICATION_EXPIRED');
};

export interface ResendInput {
  /** A new recipient, where the caller may choose one: always gets a new random value. */
  recipient?: string;
  scope?: string[];
  locale?: string;
  ip?: string | null;
  data?: Record<string, string>;
}

/**
 * Sends again. `reuse` repeats the same value while recipient and content are unchanged
 * (CA/B BR 3.2.2.4.4); otherwise a new token replaces the current one, which stops working
 * at once (`rotate`) or after the grace period (`rotate-with-grace`).
 */
export const planResend = (ctx: LifecycleContext, v: Verification, current: TokenRecord, input: ResendInput): SendPlan => {
  assertPending(v, ctx.now);
  const recipient = input.recipient ?? v.recipient;
  const recipientChanged = recipient !== v.recipient;
  const scopeChanged = input.scope !== undefined && input.scope.join('\n') !== v.scope.join('\n');
  const policy = ctx.policies.resendPolicy[v.purpose];
  // BR 3.2.2.4.4: the same value may be sent again only while recipient and content are unchanged.
  const reusable = policy === 'reuse' && !recipientChanged && !scopeChanged && current.usedAt === null && current.expiresAt > ctx.now;
  const tokens: SendPlan['tokens'] = { insert: [], update: [] };
  let tokenId = current.id;
  let expiresAt = v.expiresAt;
  if (!reusable) {
    const fresh = issueToken(ctx, v.id);
    tokens.insert.push(fresh);
    tokenId = fresh.id;
    expiresAt = fresh.expiresAt;
    const graceful = policy === 'rotate-with-grace' && !recipientChanged;
    const until = graceful ? Math.min(current.expiresAt, ctx.now + ctx.policies.graceMs) : ctx.now;
    tokens.update.push({ ...current, expiresAt: Math.min(current.expiresAt, until), sealed: graceful ? current.sealed : null });
  }
  const verification: Verification = {
    ...v,
    recipient,
    scope: input.scope ?? v.scope,
    locale: input.locale ?? v.locale,
    currentTokenId: tokenId,
    expiresAt,
    sendCount: v.sendCount + 1,
    lastSentAt: ctx.now,
    sendIp: input.ip ?? v.sendIp,
    updatedAt: ctx.now,
    version: v.version + 1,
  };
  return {
    before: v,
    verification,
    tokens,
    message: outboxMessage(ctx, verification, input.data ?? {}),
    event: event(ctx, 'verification.resent', v, { policy, rotated: !reusable, recipientChanged }),
  };
};

/** Checks a presented token against its record and verification, in the order a user can act on. */
export const assertConfirmable = (v: Verification, token: TokenRecord, now: number): void => {
  if (v.state === 'confirmed' || token.usedAt !== null) throw new CoreError('TOKEN_USED');
  if (v.state === 'cancelled') throw new CoreError('TOKEN_INVALID');
  if (effectiveState(v, now) === 'expired' || token.expiresAt <= now) throw new CoreError('TOKEN_EXPIRED');
};

/** Single use: the presented token is marked used and every other token of the verification is retired. */
export const retireTokens = (tokens: TokenRecord[], now: number, usedId?: string): TokenRecord[] =>
  tokens
    .filter((t) => t.id === usedId || t.sealed !== null || t.expiresAt > now)
    .map((t) => ({ ...t, sealed: null, usedAt: t.id === usedId ? now : t.usedAt, expiresAt: Math.min(t.expiresAt, now) }));
