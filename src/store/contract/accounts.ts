import { expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import { T0 } from './entities.js';
import type { Target } from './index.js';

/** Accounts and credentials; instance settings. */
export const accountContract = (t: Target) => {
  it('accounts and credentials: unique names and logins, keys found by hash, revocation once', async () => {
    const { a } = t();
    const account = { id: newId(), name: 'acme', loginName: 'acme_api', permissions: { voucher: false }, createdAt: T0 };
    const key = { id: newId(), accountId: account.id, hash: 'h1', role: 0, label: null, hint: 'ABCD', createdAt: T0, revokedAt: null };
    const access = { id: 'LTAI5tExample01', accountId: account.id, sealedSecret: 'sealed', createdAt: T0, revokedAt: null };
    expect(await a.accounts.createAccount(account, { passwordHash: 'scrypt$x', apiKeys: [key], accessKeys: [access] })).toBe('created');
    expect(await a.accounts.createAccount({ ...account, id: newId() }, { passwordHash: null, apiKeys: [], accessKeys: [] })).toBe('exists');
    expect(
      await a.accounts.createAccount({ ...account, id: newId(), name: 'other' }, { passwordHash: null, apiKeys: [], accessKeys: [] }),
    ).toBe('exists');
    expect(await a.accounts.getAccount(account.id)).toEqual(account);
    expect(await a.accounts.getAccount('missing')).toBeNull();
    expect(await a.accounts.findAccountByName('acme')).toEqual(account);
    expect(await a.accounts.findAccountByLogin('acme_api')).toEqual({ account, passwordHash: 'scrypt$x' });
    expect(await a.accounts.findAccountByLogin('nobody')).toBeNull();
    expect(await a.accounts.findApiKeyByHash('h1')).toEqual(key);
    expect(await a.accounts.listApiKeys(account.id)).toEqual([key]);
    expect(await a.accounts.getAccessKey(access.id)).toEqual(access);
    expect(await a.accounts.revokeApiKey(account.id, key.id, T0 + 1)).toBe(true);
    expect(await a.accounts.revokeApiKey(account.id, key.id, T0 + 2)).toBe(false);
    expect((await a.accounts.getApiKey(account.id, key.id))?.revokedAt).toBe(T0 + 1);
    expect(await a.accounts.getApiKey('someone-else', key.id)).toBeNull();
    const second = { ...key, id: newId(), hash: 'h2', role: 102 };
    await a.accounts.addApiKey(second);
    expect((await a.accounts.listApiKeys(account.id)).map((k) => k.id)).toEqual([key.id, second.id]);
    const access2 = { ...access, id: 'LTAI5tExample02', createdAt: T0 + 5 };
    await a.accounts.addAccessKey(access2);
    expect((await a.accounts.listAccessKeys(account.id)).map((k) => k.id)).toEqual([access.id, access2.id]);
    expect(await a.accounts.revokeAccessKey(account.id, access2.id, T0 + 9)).toBe(true);
    expect(await a.accounts.revokeAccessKey(account.id, access2.id, T0 + 10)).toBe(false);
    expect((await a.accounts.getAccessKey(access2.id))?.revokedAt).toBe(T0 + 9);
    expect((await a.accounts.listAccounts(undefined, 10)).items).toEqual([account]);
  });

  it('settings are set once', async () => {
    const { a, b } = t();
    expect(await a.settings.getSetting('x')).toBeNull();
    expect(await a.settings.initSetting('x', 'first')).toBe('first');
    expect(await b.settings.initSetting('x', 'second')).toBe('first');
    expect(await b.settings.getSetting('x')).toBe('first');
  });
};
