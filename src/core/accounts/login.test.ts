import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/helpers/service.js';
import { migrate, openDatabase } from '../../store/sqlite/database.js';
import { sqliteStore } from '../../store/sqlite/store.js';
import { newId } from '../ids.js';
import { hashPassword } from '../passwords.js';
import { deriveServerKeys } from '../secrets.js';
import { HashGate } from './hash-gate.js';
import { LoginService } from './login.js';
import { VerifiedCredentials } from './verified-credentials.js';

const setup = async () => {
  const db = openDatabase(':memory:');
  migrate(db);
  const store = sqliteStore(db);
  const clock = new ManualClock();
  const gate = new HashGate({ total: 4, perClient: 2 });
  const keys = deriveServerKeys('login-test-secret-key-0123456789abcdef');
  const logins = new LoginService({
    accounts: store.accounts,
    quotas: store.quotas,
    audit: store.audit,
    clock,
    gate,
    verified: new VerifiedCredentials(keys.credentialHash, 60_000),
    newId,
    policy: { maxFailures: 3, maxFailuresGlobal: 10, windowMs: 60_000 },
  });
  const account = { id: newId(), name: 'acme', loginName: 'acme_api', permissions: {}, createdAt: clock.now() };
  await store.accounts.createAccount(account, { passwordHash: await hashPassword('right-password'), apiKeys: [], accessKeys: [] });
  return { db, clock, gate, logins, account };
};

describe('verified credentials', () => {
  it('a password verified once is accepted without the slow hash until the cache expires', async () => {
    const { gate, logins, clock } = await setup();
    expect((await logins.authenticate('acme_api', 'right-password', '10.0.0.1')).ok).toBe(true);
    expect(gate.admitted).toBe(1);
    for (let i = 0; i < 5; i++) expect((await logins.authenticate('acme_api', 'right-password', '10.0.0.1')).ok).toBe(true);
    expect(gate.admitted).toBe(1);
    expect((await logins.authenticate('acme_api', 'wrong-password', '10.0.0.1')).ok).toBe(false);
    expect(gate.admitted).toBe(2);
    clock.advance(60_001);
    expect((await logins.authenticate('acme_api', 'right-password', '10.0.0.1')).ok).toBe(true);
    expect(gate.admitted).toBe(3);
  });

  it('a changed password ends it at once (on any node: the stored hash is part of the match)', async () => {
    const { db, logins, account } = await setup();
    expect((await logins.authenticate('acme_api', 'right-password', '10.0.0.1')).ok).toBe(true);
    db.prepare('UPDATE accounts SET password_hash = ? WHERE id = ?').run(await hashPassword('new-password'), account.id);
    expect(await logins.authenticate('acme_api', 'right-password', '10.0.0.1')).toEqual({ ok: false, reason: 'invalid' });
    expect((await logins.authenticate('acme_api', 'new-password', '10.0.0.1')).ok).toBe(true);
  });

  it('a lock ends it at once: the right, cached password is refused while locked', async () => {
    const { logins, gate } = await setup();
    expect((await logins.authenticate('acme_api', 'right-password', '10.0.0.1')).ok).toBe(true);
    for (let i = 0; i < 3; i++) await logins.authenticate('acme_api', `wrong-${i}`, '10.0.0.1');
    const admitted = gate.admitted;
    expect(await logins.authenticate('acme_api', 'right-password', '10.0.0.1')).toEqual({ ok: false, reason: 'locked' });
    expect(gate.admitted).toBe(admitted);
    expect((await logins.authenticate('acme_api', 'right-password', '10.0.0.2')).ok).toBe(true);
  });
});
