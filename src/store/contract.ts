import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../core/ids.js';
import type { Message, TokenRecord, Verification } from '../core/model.js';
import type { QuotaRule, Store } from '../core/ports.js';
import type { Subject } from '../core/subjects/model.js';

export interface ContractTarget {
  store: Store;
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1);

const verification = (over: Partial<Verification> = {}): Verification => ({
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

const token = (verificationId: string, over: Partial<TokenRecord> = {}): TokenRecord => ({
  id: newId(),
  verificationId,
  hash: newId(),
  sealed: 'sealed',
  expiresAt: T0 + 3600_000,
  usedAt: null,
  createdAt: T0,
  ...over,
});

const message = (v: Verification, over: Partial<Message> = {}): Message => {
  const id = newId();
  return {
    id,
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
    smtpResponse: null,
    sentAt: null,
    createdAt: T0,
    ...over,
  };
};

const subject = (over: Partial<Subject> = {}): Subject => ({
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
const seedOne = async (store: Store, over: Partial<Verification> = {}) => {
  const v = verification(over);
  const t = token(v.id);
  v.currentTokenId = t.id;
  const m = message(v);
  expect(await store.commit({ verifications: { insert: [v] }, tokens: { insert: [t] }, messages: [m] })).toEqual({ ok: true });
  return { v, t, m };
};

/** The behaviour every store adapter must have: run unchanged against SQLite and PostgreSQL. */
export const storeContract = (name: string, open: () => Promise<ContractTarget>) =>
  describe(`store contract: ${name}`, () => {
    let target: ContractTarget;
    let store: Store;
    beforeEach(async () => {
      target = await open();
      store = target.store;
    });
    afterEach(async () => target.cleanup());

    it('is ready once migrated', async () => {
      expect(await store.ready()).toBe(true);
    });

    it('commits a batch and reads every part back', async () => {
      const { v, t, m } = await seedOne(store);
      expect(await store.getVerification(v.id)).toEqual(v);
      expect(await store.getToken(t.id)).toEqual(t);
      expect(await store.findTokenByHash(t.hash)).toEqual(t);
      expect(await store.tokensOf(v.id)).toEqual([t]);
      expect(await store.getMessage(m.id)).toEqual(m);
      expect(await store.getVerification('missing')).toBeNull();
      expect(await store.getVerificationWithToken(v.id)).toEqual({ verification: v, token: t });
      expect(await store.getVerificationWithToken('missing')).toBeNull();
    });

    it('a stale version guard aborts the whole batch', async () => {
      const { v } = await seedOne(store);
      const updated = { ...v, sendCount: 2, version: 2 };
      const extra = message(v);
      expect(await store.commit({ expect: { verifications: { [v.id]: 1 } }, verifications: { update: [updated] } })).toEqual({ ok: true });
      const stale = await store.commit({
        expect: { verifications: { [v.id]: 1 } },
        verifications: { update: [{ ...v, sendCount: 9, version: 2 }] },
        messages: [extra],
      });
      expect(stale).toEqual({ ok: false, reason: 'conflict' });
      expect((await store.getVerification(v.id))?.sendCount).toBe(2);
      expect(await store.getMessage(extra.id)).toBeNull();
    });

    it('a duplicate key aborts the whole batch as a conflict', async () => {
      const { t } = await seedOne(store);
      const v2 = verification();
      const dup = token(v2.id, { hash: t.hash });
      expect(await store.commit({ verifications: { insert: [v2] }, tokens: { insert: [dup] } })).toEqual({ ok: false, reason: 'conflict' });
      expect(await store.getVerification(v2.id)).toBeNull();
    });

    it('quota: charges inside the window refuse with the exact wait; refusals charge nothing', async () => {
      const rules: QuotaRule[] = [
        { name: 'cooldown', key: 'rcpt:x', windowMs: 60_000, limit: 1 },
        { name: 'recipient_daily', key: 'rcpt:x', windowMs: 86_400_000, limit: 2 },
      ];
      expect(await store.commit({ quota: { sends: [rules], at: T0, enforce: true } })).toEqual({ ok: true });
      expect(await store.commit({ quota: { sends: [rules], at: T0 + 10_000, enforce: true } })).toEqual({
        ok: false,
        reason: 'quota',
        rule: 'cooldown',
        retryAfterMs: 50_000,
      });
      expect(await store.commit({ quota: { sends: [rules], at: T0 + 60_000, enforce: true } })).toEqual({ ok: true });
      expect(await store.commit({ quota: { sends: [rules], at: T0 + 120_000, enforce: true } })).toEqual({
        ok: false,
        reason: 'quota',
        rule: 'recipient_daily',
        retryAfterMs: 86_400_000 - 120_000,
      });
      // Not enforced: charged anyway (seeding), so the next enforced check sees three.
      expect(await store.commit({ quota: { sends: [rules], at: T0 + 130_000, enforce: false } })).toEqual({ ok: true });
      expect(await store.pruneQuota(T0)).toBe(1);
      expect(await store.commit({ quota: { sends: [rules], at: T0 + 200_000, enforce: true } })).toMatchObject({
        ok: false,
        rule: 'recipient_daily',
      });
    });

    it('quota: a batch of sends counts each send; check-only charges nothing; cleared keys start over', async () => {
      const acct: QuotaRule = { name: 'account_hourly', key: 'acct:a', windowMs: 3600_000, limit: 3 };
      const send = (rcpt: string): QuotaRule[] => [{ name: 'cooldown', key: `rcpt:${rcpt}`, windowMs: 60_000, limit: 1 }, acct];
      expect(await store.commit({ quota: { sends: [send('x'), send('y')], at: T0, enforce: true } })).toEqual({ ok: true });
      expect(await store.commit({ quota: { sends: [send('z'), send('w')], at: T0 + 1000, enforce: true } })).toEqual({
        ok: false,
        reason: 'quota',
        rule: 'account_hourly',
        retryAfterMs: 3600_000 - 1000,
      });
      expect(await store.commit({ quota: { sends: [send('z')], at: T0 + 1000, enforce: true, charge: false } })).toEqual({ ok: true });
      expect(await store.commit({ quota: { sends: [send('z')], at: T0 + 2000, enforce: true } })).toEqual({ ok: true });
      expect(await store.commit({ quota: { sends: [send('w')], at: T0 + 3000, enforce: true } })).toMatchObject({
        ok: false,
        rule: 'account_hourly',
      });
      expect(await store.commit({ clearQuotaKeys: ['acct:a'] })).toEqual({ ok: true });
      expect(await store.commit({ quota: { sends: [send('w')], at: T0 + 4000, enforce: true } })).toEqual({ ok: true });
    });

    it('lists newest first with an opaque cursor and filters', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await seedOne(store, { recipient: i % 2 ? 'odd@example.com' : 'even@example.com' })).v.id);
      const first = await store.listVerifications({ limit: 2, now: T0 });
      expect(first.items.map((v) => v.id)).toEqual([ids[4], ids[3]]);
      const second = await store.listVerifications({ limit: 2, now: T0, cursor: first.nextCursor ?? undefined });
      expect(second.items.map((v) => v.id)).toEqual([ids[2], ids[1]]);
      const last = await store.listVerifications({ limit: 2, now: T0, cursor: second.nextCursor ?? undefined });
      expect(last).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
      expect((await store.listVerifications({ limit: 10, now: T0, recipient: 'odd@example.com' })).items).toHaveLength(2);
      expect((await store.listVerifications({ limit: 10, now: T0 + 7200_000, state: 'expired' })).items).toHaveLength(5);
      expect((await store.listVerifications({ limit: 10, now: T0, state: 'pending' })).items).toHaveLength(5);
      expect(await store.listExpiring(T0 + 7200_000, 3)).toHaveLength(3);
    });

    it('claims are leases: one owner at a time, taken over once expired, with the lost attempt recorded', async () => {
      const { m } = await seedOne(store);
      const a = await store.claim('a', 10, 1000, T0);
      expect(a.map((x) => x.id)).toEqual([m.id]);
      expect(a[0]).toMatchObject({ status: 'sending', attempts: 1, leaseOwner: 'a' });
      expect(await store.claim('b', 10, 1000, T0 + 500)).toEqual([]);
      const b = await store.claim('b', 10, 1000, T0 + 1001);
      expect(b[0]).toMatchObject({ id: m.id, attempts: 2, leaseOwner: 'b' });
      expect(await store.complete(m.id, 'a', { result: 'sent', response: '250' }, T0 + 1100)).toBe(false);
      expect(await store.complete(m.id, 'b', { result: 'sent', response: '250 ok' }, T0 + 1200)).toBe(true);
      expect(await store.getMessage(m.id)).toMatchObject({ status: 'sent', smtpResponse: '250 ok', sentAt: T0 + 1200, leaseOwner: null });
      expect((await store.attemptsOf(m.id)).map((x) => [x.number, x.result])).toEqual([
        [1, 'lost'],
        [2, 'sent'],
      ]);
      expect(await store.claim('c', 10, 1000, T0 + 99_999)).toEqual([]);
    });

    it('deferred messages wait for their time; failures and suppression end them', async () => {
      const one = await seedOne(store);
      const two = await seedOne(store);
      await store.claim('w', 10, 1000, T0);
      expect(await store.complete(one.m.id, 'w', { result: 'deferred', error: '451 later', nextAttemptAt: T0 + 5000 }, T0)).toBe(true);
      expect(await store.complete(two.m.id, 'w', { result: 'failed', error: '550 no', abandoned: false }, T0)).toBe(true);
      expect(await store.nextDueAt()).toBe(T0 + 5000);
      expect(await store.claim('w', 10, 1000, T0 + 4999)).toEqual([]);
      const again = await store.claim('w', 10, 1000, T0 + 5000);
      expect(again.map((x) => x.id)).toEqual([one.m.id]);
      expect(await store.suppress(one.m.id, 'w', 'verification is confirmed', T0 + 5001)).toBe(true);
      const depth = await store.queueDepth();
      expect(depth).toMatchObject({ failed: 1, suppressed: 1, queued: 0, sending: 0 });
      expect((await store.listMessages({ limit: 10, status: 'failed' })).items.map((x) => x.id)).toEqual([two.m.id]);
    });

    it('subjects: unique number per account and kind, found by number, listed by kind', async () => {
      const s = subject();
      expect(await store.commit({ subjects: { insert: [s] } })).toEqual({ ok: true });
      expect(await store.commit({ subjects: { insert: [subject()] } })).toEqual({ ok: false, reason: 'conflict' });
      expect(await store.findSubjectByNumber(null, ['ssl_order', 'smime_order'], '1234567')).toEqual(s);
      expect(await store.findSubjectByNumber(null, ['smime_order'], '1234567')).toBeNull();
      expect((await store.listSubjects({ kinds: ['ssl_order'], limit: 10 })).items).toEqual([s]);
      const v = verification({ subjectId: s.id });
      await store.commit({ verifications: { insert: [v] } });
      expect(await store.verificationsOfSubject(s.id)).toEqual([v]);
      expect(
        await store.commit({ expect: { subjects: { [s.id]: 2 } }, subjects: { update: [{ ...s, state: 'validated', version: 3 }] } }),
      ).toEqual({
        ok: false,
        reason: 'conflict',
      });
    });

    it('accounts and credentials: unique names, keys found by hash, revocation', async () => {
      const account = { id: newId(), name: 'acme', loginName: 'acme_api', permissions: { voucher: false }, createdAt: T0 };
      const key = { id: newId(), accountId: account.id, hash: 'h1', role: 0, label: null, hint: 'ABCD', createdAt: T0, revokedAt: null };
      const access = { id: 'LTAI5tExample01', accountId: account.id, sealedSecret: 'sealed', createdAt: T0, revokedAt: null };
      expect(await store.createAccount(account, { passwordHash: 'scrypt$x', apiKeys: [key], accessKeys: [access] })).toBe('created');
      expect(await store.createAccount({ ...account, id: newId() }, { passwordHash: null, apiKeys: [], accessKeys: [] })).toBe('exists');
      expect(await store.getAccount(account.id)).toEqual(account);
      expect(await store.findAccountByName('acme')).toEqual(account);
      expect(await store.findAccountByLogin('acme_api')).toEqual({ account, passwordHash: 'scrypt$x' });
      expect(await store.findApiKeyByHash('h1')).toEqual(key);
      expect(await store.getAccessKey(access.id)).toEqual(access);
      expect(await store.revokeApiKey(account.id, key.id, T0 + 1)).toBe(true);
      expect(await store.revokeApiKey(account.id, key.id, T0 + 2)).toBe(false);
      expect((await store.getApiKey(account.id, key.id))?.revokedAt).toBe(T0 + 1);
      expect((await store.listAccounts(undefined, 10)).items).toEqual([account]);
    });

    it('settings are set once', async () => {
      expect(await store.getSetting('x')).toBeNull();
      expect(await store.initSetting('x', 'first')).toBe('first');
      expect(await store.initSetting('x', 'second')).toBe('first');
    });

    it('captured inbox: newest first, filtered by recipient, one copy per outbox message', async () => {
      const mail = (id: string, to: string) => ({
        id,
        accountId: null,
        messageId: `<${id}@test>`,
        to,
        from: 'a@test',
        subject: 's',
        text: 't',
        html: '<p>t</p>',
        headers: { 'X-Test': '1' },
        capturedAt: T0,
      });
      const [a, b] = [newId(), newId()];
      await store.capture(mail(a, 'x@example.com'));
      await store.capture(mail(b, 'y@example.com'));
      await store.capture(mail(a, 'x@example.com'));
      expect((await store.listInbox({ limit: 10 })).items.map((m) => m.id)).toEqual([b, a]);
      expect((await store.listInbox({ limit: 10, to: 'x@example.com' })).items).toEqual([mail(a, 'x@example.com')]);
    });
  });
