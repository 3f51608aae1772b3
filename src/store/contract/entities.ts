import { newId } from '../../core/ids.js';
import type { Message, TokenRecord, Verification } from '../../core/model.js';
import type { Subject } from '../../core/subjects/model.js';
import type { Store } from '../store.js';

export const T0 = Date.UTC(2026, 0, 1);

export const verification = (over: Partial<Verification> = {}): Verification => ({
  id: newId(),
  accountId: null,
  subjectId: null,
  scope: ['a@example.com'],
  recipient: 'a@example.com',
  purpose: 'email_ownership',
  locale: 'en',
  state: 'pending',
  currentTokenId: 'tok',
  expiresAt: T0 + 3600_000,
  sendCount: 1,
  lastSentAt: T0,
  confirmedAt: null,
  cancelledAt: null,
  confirmIp: null,
  sendIp: null,
  createdAt: T0,
  updatedAt: T0,
  version: 1,
  ...over,
});

export const token = (verificationId: string, over: Partial<TokenRecord> = {}): TokenRecord => ({
  id: newId(),
  verificationId,
  hash: newId(),
  verifier: null,
  sealed: 'sealed',
  expiresAt: T0 + 3600_000,
  usedAt: null,
  createdAt: T0,
  ...over,
});

export const message = (v: Verification, over: Partial<Message> = {}): Message => {
  const id = newId();
  return {
    id,
    channel: 'email',
    destination: v.recipient.split('@')[1] ?? '',
    verificationId: v.id,
    accountId: v.accountId,
    recipient: v.recipient,
    purpose: v.purpose,
    locale: v.locale,
    tokenId: v.currentTokenId,
    data: { orderNumber: '1' },
    messageId: `<${id}@test>`,
    status: 'queued',
    attempts: 0,
    abandoned: false,
    nextAttemptAt: T0,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    response: null,
    sentAt: null,
    createdAt: T0,
    ...over,
  };
};

export const subject = (over: Partial<Subject> = {}): Subject => ({
  id: newId(),
  accountId: null,
  kind: 'ssl_order',
  number: '1234567',
  baseNumber: '7654321',
  state: 'awaiting_dcv',
  emails: [],
  domains: ['example.com'],
  dcvEmail: 'admin@example.com',
  attributes: {},
  createdAt: T0,
  updatedAt: T0,
  version: 1,
  ...over,
});

/** Stores one verification with its token and one queued message. */
export const seedOne = async (store: Store, over: Partial<Verification> = {}) => {
  const v = verification(over);
  const t = token(v.id);
  v.currentTokenId = t.id;
  const m = message(v);
  const result = await store.transactor.commit({ verifications: { insert: [v] }, tokens: { insert: [t] }, messages: [m] });
  if (!result.ok) throw new Error(`seed failed: ${JSON.stringify(result)}`);
  return { v, t, m };
};

/** The next version of a versioned record. */
export const bump = <T extends { version: number }>(x: T, over: Partial<T>): T => ({ ...x, ...over, version: x.version + 1 });
