import type { Account } from '../../core/model.js';
import type { AccessKeyRecord, ApiKeyRecord, Page } from '../../core/ports.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import { SqliteOutbox } from './outbox.js';

/** Accounts, their credentials, and settings. */
export class SqliteAccounts extends SqliteOutbox {
  async createAccount(
    account: Account,
    c: { passwordHash: string | null; apiKeys: ApiKeyRecord[]; accessKeys: AccessKeyRecord[] },
  ): Promise<'created' | 'exists'> {
    try {
      await this.writes.run(() => {
        this.insert('accounts', {
          id: account.id,
          name: account.name,
          login_name: account.loginName,
          password_hash: c.passwordHash,
          permissions: JSON.stringify(account.permissions),
          created_at: account.createdAt,
        });
        for (const k of c.apiKeys) this.insert('api_keys', rows.apiKeyRow(k));
        for (const k of c.accessKeys) this.insert('access_keys', rows.accessKeyRow(k));
      });
      return 'created';
    } catch (e) {
      if (e instanceof Error && 'code' in e && String(e.code).startsWith('SQLITE_CONSTRAINT')) return 'exists';
      throw e;
    }
  }

  async getAccount(id: string) {
    const r = this.one('SELECT * FROM accounts WHERE id = ?', id);
    return r ? rows.toAccount(r) : null;
  }

  async findAccountByName(name: string) {
    const r = this.one('SELECT * FROM accounts WHERE name = ?', name);
    return r ? rows.toAccount(r) : null;
  }

  async findAccountByLogin(loginName: string) {
    const r = this.one('SELECT * FROM accounts WHERE login_name = ?', loginName);
    return r ? { account: rows.toAccount(r), passwordHash: r.password_hash === null ? null : String(r.password_hash) } : null;
  }

  async listAccounts(cursor: string | undefined, limit: number): Promise<Page<Account>> {
    return this.page('accounts', new Where().add('id < ?', rows.decodeCursor(cursor)), limit, rows.toAccount);
  }

  async addApiKey(key: ApiKeyRecord) {
    await this.writes.run(() => this.insert('api_keys', rows.apiKeyRow(key)));
  }

  async listApiKeys(accountId: string) {
    return this.all('SELECT * FROM api_keys WHERE account_id = ? ORDER BY id', accountId).map(rows.toApiKey);
  }

  async getApiKey(accountId: string, id: string) {
    const r = this.one('SELECT * FROM api_keys WHERE account_id = ? AND id = ?', accountId, id);
    return r ? rows.toApiKey(r) : null;
  }

  async findApiKeyByHash(hash: string) {
    const r = this.one('SELECT * FROM api_keys WHERE hash = ?', hash);
    return r ? rows.toApiKey(r) : null;
  }

  async revokeApiKey(accountId: string, id: string, at: number) {
    const sql = 'UPDATE api_keys SET revoked_at = ? WHERE account_id = ? AND id = ? AND revoked_at IS NULL';
    return this.writes.run(() => this.stmt(sql).run(at, accountId, id).changes > 0);
  }

  async addAccessKey(key: AccessKeyRecord) {
    await this.writes.run(() => this.insert('access_keys', rows.accessKeyRow(key)));
  }

  async getAccessKey(id: string) {
    const r = this.one('SELECT * FROM access_keys WHERE id = ?', id);
    return r ? rows.toAccessKey(r) : null;
  }

  async getSetting(name: string) {
    const r = this.one('SELECT value FROM settings WHERE name = ?', name);
    return r ? String(r.value) : null;
  }

  async initSetting(name: string, value: string) {
    await this.writes.run(() =>
      this.stmt('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(name, value),
    );
    return (await this.getSetting(name)) ?? value;
  }
}
