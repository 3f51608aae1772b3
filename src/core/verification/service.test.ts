import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/helpers/service.js';
import { migrate, openDatabase } from '../../store/sqlite/database.js';
import { sqliteStore } from '../../store/sqlite/store.js';
import type { Store } from '../../store/store.js';
import { OPERATOR, type Principal } from '../access/permissions.js';
import { CoreError } from '../errors.js';
import { newId } from '../ids.js';
import { deriveServerKeys, unseal } from '../secrets.js';
import { SubjectService } from '../subjects/service.js';
import { hashToken } from './lifecycle.js';
import { defaultPolicies, type Policies } from './policies.js';
import { VerificationService } from './service.js';

const keys = deriveServerKeys('unit-test-secret-key-0123456789abcdef');

const setup = (policies: Partial<Policies> = {}) => {
  const db = openDatabase(':memory:');
  migrate(db);
  const store = sqliteStore(db);
  const clock = new ManualClock();
  const deps = {
    transactor: store.transactor,
    verifications: store.verifications,
    subjects: store.subjects,
    audit: store.audit,
    accounts: store.accounts,
    clock,
    keys,
    policies: { ...defaultPolicies, cooldownMs: 0, ...policies },
    newId,
    messageIdDomain: 'test',
  };
  const service = new VerificationService(deps);
  return { store, db, clock, service, subjects: new SubjectService(deps, service) };
};

/** The token the courier would put in the link of this message. */
const linkToken = async (store: Store, messageId: string) => {
  const m = await store.messages.getMessage(messageId);
  const t = await store.verifications.getToken(m?.tokenId ?? '');
  return unseal(keys.seal, t?.sealed ?? '');
};

const other: Principal = { kind: 'account', accountId: 'other-account', permissions: new Set(['read', 'send']) };

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'OK',
    (e) => (e instanceof CoreError ? e.code : `unexpected: ${e}`),
  );

const messagesOf = async (store: Store, verificationId: string) =>
  (await store.messages.listMessages({ verificationId, limit: 10 })).items.reverse();

describe('verification lifecycle', () => {
  let env: ReturnType<typeof setup>;
  beforeEach(() => {
    env = setup();
  });

  it('reuse (DCV): a resend repeats the same random value', async () => {
    const v = await env.service.create(OPERATOR, { recipient: 'admin@example.com', purpose: 'dcv' });
    await env.service.resend(OPERATOR, v.id);
    const [m1, m2] = await messagesOf(env.store, v.id);
    expect(m2?.tokenId).toBe(m1?.tokenId);
    expect(await linkToken(env.store, m2!.id)).toBe(await linkToken(env.store, m1!.id));
    expect(m2?.messageId).not.toBe(m1?.messageId);
  });

  it('reuse with a new recipient: a new random value, and the old one stops working', async () => {
    const v = await env.service.create(OPERATOR, { recipient: 'admin@example.com', purpose: 'dcv' });
    const [m1] = await messagesOf(env.store, v.id);
    const old = await linkToken(env.store, m1!.id);
    const { verification } = await env.service.resend(OPERATOR, v.id, { recipient: 'hostmaster@example.com' });
    expect(verification.recipient).toBe('hostmaster@example.com');
    const [, m2] = await messagesOf(env.store, v.id);
    expect(m2?.tokenId).not.toBe(m1?.tokenId);
    expect(await code(env.service.confirm(old))).toBe('TOKEN_EXPIRED');
    expect((await env.service.confirm(await linkToken(env.store, m2!.id))).state).toBe('confirmed');
  });

  it('rotate: the previous link stops working at once', async () => {
    env = setup({ resendPolicy: { ...defaultPolicies.resendPolicy, email_ownership: 'rotate' } });
    const v = await env.service.create(OPERATOR, { recipient: 'a@example.com', purpose: 'email_ownership' });
    const [m1] = await messagesOf(env.store, v.id);
    const old = await linkToken(env.store, m1!.id);
    await env.service.resend(OPERATOR, v.id);
    expect(await code(env.service.confirm(old))).toBe('TOKEN_EXPIRED');
  });

  it('rotate-with-grace: the previous link works during the grace period only', async () => {
    env = setup({ graceMs: 60_000 });
    const v = await env.service.create(OPERATOR, { recipient: 'a@example.com', purpose: 'email_ownership' });
    const [m1] = await messagesOf(env.store, v.id);
    const old = await linkToken(env.store, m1!.id);
    await env.service.resend(OPERATOR, v.id);
    expect((await env.service.inspect(old)).id).toBe(v.id);
    env.clock.advance(60_001);
    expect(await code(env.service.confirm(old))).toBe('TOKEN_EXPIRED');
    const [, m2] = await messagesOf(env.store, v.id);
    expect((await env.service.confirm(await linkToken(env.store, m2!.id))).state).toBe('confirmed');
  });

  it('tokens are single use, expire, and are stored only hashed (sealed for the courier)', async () => {
    const v = await env.service.create(OPERATOR, { recipient: 'a@example.com', purpose: 'email_ownership' });
    const [m1] = await messagesOf(env.store, v.id);
    const token = await linkToken(env.store, m1!.id);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    const dump =
      JSON.stringify(env.db.prepare('SELECT * FROM tokens').all()) + JSON.stringify(env.db.prepare('SELECT * FROM messages').all());
    expect(dump).not.toContain(token);
    expect((await env.service.confirm(token)).state).toBe('confirmed');
    expect(await code(env.service.confirm(token))).toBe('TOKEN_USED');
    expect((await env.store.verifications.tokensOf(v.id)).every((t) => t.sealed === null)).toBe(true);
    expect(await code(env.service.resend(OPERATOR, v.id))).toBe('VERIFICATION_CONFIRMED');
    expect(await code(env.service.confirm('never-issued-token-value'))).toBe('TOKEN_INVALID');
  });

  it('split tokens: the secret is checked, not just the id; a token issued before them still works', async () => {
    const v = await env.service.create(OPERATOR, { recipient: 'a@example.com', purpose: 'email_ownership' });
    const [m1] = await messagesOf(env.store, v.id);
    const token = await linkToken(env.store, m1!.id);
    const forged = token.slice(0, 22) + (token[22] === 'A' ? 'B' : 'A') + token.slice(23);
    expect(await code(env.service.confirm(forged))).toBe('TOKEN_INVALID');
    const unknownId = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    expect(await code(env.service.confirm(unknownId))).toBe('TOKEN_INVALID');
    expect(JSON.stringify(env.db.prepare('SELECT * FROM tokens').all())).not.toContain(token.slice(22));

    const old = await env.service.create(OPERATOR, { recipient: 'b@example.com', purpose: 'email_ownership' });
    const legacy = 'an-older-whole-token-value-of-43-characters-x';
    env.db.prepare('UPDATE tokens SET hash = ?, verifier = NULL WHERE verification_id = ?').run(hashToken(keys, legacy), old.id);
    expect((await env.service.confirm(legacy)).state).toBe('confirmed');
    expect((await env.service.confirm(token)).state).toBe('confirmed');
  });

  it('expiry: an overdue link is refused, the sweep marks the verification expired, a resend is refused', async () => {
    const v = await env.service.create(OPERATOR, { recipient: 'a@example.com', purpose: 'email_ownership' });
    const [m1] = await messagesOf(env.store, v.id);
    const token = await linkToken(env.store, m1!.id);
    env.clock.advance(defaultPolicies.tokenTtlMs);
    expect((await env.service.get(OPERATOR, v.id)).state).toBe('expired');
    expect(await code(env.service.confirm(token))).toBe('TOKEN_EXPIRED');
    expect(await env.service.expireDue()).toBe(1);
    expect((await env.store.verifications.getVerification(v.id))?.state).toBe('expired');
    expect(await code(env.service.resend(OPERATOR, v.id))).toBe('VERIFICATION_EXPIRED');
  });

  it('cancel: links stop working; an account cannot see another account’s verification', async () => {
    const v = await env.service.create(OPERATOR, { recipient: 'a@example.com', purpose: 'email_ownership' });
    const [m1] = await messagesOf(env.store, v.id);
    const token = await linkToken(env.store, m1!.id);
    expect(await code(env.service.cancel(other, v.id))).toBe('VERIFICATION_NOT_FOUND');
    expect((await env.service.cancel(OPERATOR, v.id)).state).toBe('cancelled');
    expect(await code(env.service.confirm(token))).toBe('TOKEN_INVALID');
  });

  it('concurrent confirms of one token: exactly one succeeds', async () => {
    const v = await env.service.create(OPERATOR, { recipient: 'a@example.com', purpose: 'email_ownership' });
    const [m1] = await messagesOf(env.store, v.id);
    const token = await linkToken(env.store, m1!.id);
    const results = await Promise.all(Array.from({ length: 8 }, () => code(env.service.confirm(token))));
    expect(results.filter((r) => r === 'OK')).toHaveLength(1);
    expect(results.filter((r) => r !== 'OK').every((r) => r === 'TOKEN_USED')).toBe(true);
  });
});

describe('subjects follow their verifications', () => {
  it('an SSL order awaiting DCV gets one email for its names and is validated when it is confirmed', async () => {
    const env = setup();
    const { subject, verifications } = await env.subjects.record(
      {
        accountId: null,
        kind: 'ssl_order',
        number: '1234567',
        domains: ['example.com', 'www.example.com'],
        dcvEmail: 'admin@example.com',
      },
      { enforceQuota: true },
    );
    expect(verifications).toHaveLength(1);
    expect(verifications[0]?.scope).toEqual(['example.com', 'www.example.com']);
    const [m] = await messagesOf(env.store, verifications[0]!.id);
    expect(m?.data).toEqual({ orderNumber: '1234567', domains: 'example.com, www.example.com' });
    await env.service.confirm(await linkToken(env.store, m!.id));
    expect((await env.store.subjects.getSubject(subject.id))?.state).toBe('validated');
    expect(
      await code(
        env.subjects.record({ accountId: null, kind: 'smime_order', number: '1234567', emails: ['x@example.com'] }, { enforceQuota: true }),
      ),
    ).toBe('SUBJECT_EXISTS');
  });

  it('an issued S/MIME order is collected once every mailbox is confirmed; other states send nothing', async () => {
    const env = setup();
    const { subject, verifications } = await env.subjects.record(
      {
        accountId: null,
        kind: 'smime_order',
        number: '123456789',
        emails: ['alice@example.com', 'alice.backup@example.com'],
        state: 'issued',
      },
      { enforceQuota: true },
    );
    expect(verifications.map((v) => v.recipient)).toEqual(['alice@example.com', 'alice.backup@example.com']);
    for (const [i, v] of verifications.entries()) {
      const [m] = await messagesOf(env.store, v.id);
      await env.service.confirm(await linkToken(env.store, m!.id));
      expect((await env.store.subjects.getSubject(subject.id))?.state).toBe(i === 0 ? 'issued' : 'collected');
    }
    const pending = await env.subjects.record(
      {
        accountId: null,
        kind: 'smime_order',
        number: '5',
        emails: ['b@example.com'],
        state: 'being_issued',
      },
      { enforceQuota: true },
    );
    expect(pending.verifications).toEqual([]);
    expect(
      await code(
        Promise.resolve().then(() =>
          env.subjects.prepare({ accountId: null, kind: 'smime_order', number: '6', emails: ['b@example.com'], state: 'nope' }, 'x', 0),
        ),
      ),
    ).toBe('VALIDATION_FAILED');
  });

  it('a resend of an order no longer waiting on its recipients is refused with the state', async () => {
    const env = setup();
    const { subject, verifications } = await env.subjects.record(
      { accountId: null, kind: 'signup', emails: ['jane@example.com'] },
      { enforceQuota: true },
    );
    env.db.prepare("UPDATE subjects SET state = 'activated' WHERE id = ?").run(subject.id);
    const err = await env.service.resend(OPERATOR, verifications[0]!.id).catch((e) => e);
    expect(err).toBeInstanceOf(CoreError);
    expect(err.details.state).toBe('activated');
  });
});
