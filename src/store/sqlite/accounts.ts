import type { AccessKeyRecord, AccountPersister, ApiKeyRecord, NewCredentials } from '../../core/accounts/port.js';
import type { Account } from '../../core/model.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import { isConstraintError, type SqliteConnection } from './connection.js';

export class SqliteAccounts implements AccountPersister {
  constructor(private readonly c: SqliteConnection) {}

  async createAccount(account: Account, credentials: NewCredentials): Promise<'created' | 'exists'> {
    try {
      await this.c.writes.run(() => {
        this.c.insert('accounts', rows.accountRow(account, credentials.passwordHash));
        for (const k of credentials.apiKeys) this.c.insert('api_keys', rows.apiKeyRow(k));
        for (const k of credentials.accessKeys) this.c.insert('access_keys', rows.accessKeyRow(k));
      });
      return 'created';
    } catch (e) {
      if (isConstraintError(e)) return 'exists';
      throw e;
    }
  }

  async getAccount(id: string) {
    const r = this.c.one('SELECT * FROM accounts WHERE id = ?', id);
    return r ? rows.toAccount(r) : null;
  }

  async findAccountByName(name: string) {
    const r = this.c.one('SELECT * FROM accounts WHERE name = ?', name);
    return r ? rows.toAccount(r) : null;
  }

  async findAccountByLogin(loginName: string) {
    const r = this.c.one('SELECT * FROM accounts WHERE login_name = ?', loginName);
    return r ? { account: rows.toAccount(r), passwordHash: r.password_hash === null ? null : String(r.password_hash) } : null;
  }

  async listAccounts(cursor: string | undefined, limit: number) {
    return this.c.page('accounts', new Where().add('id < ?', rows.decodeCursor(cursor)), limit, rows.toAccount);
  }

  async addApiKey(key: ApiKeyRecord) {
    await this.c.writes.run(() => this.c.insert('api_keys', rows.apiKeyRow(key)));
  }

  async listApiKeys(accountId: string) {
    return this.c.all('SELECT * FROM api_keys WHERE account_id = ? ORDER BY id', accountId).map(rows.toApiKey);
  }

  async getApiKey(accountId: string, id: string) {
    const r = this.c.one('SELECT * FROM api_keys WHERE account_id = ? AND id = ?', accountId, id);
    return r ? rows.toApiKey(r) : null;
  }

  async findApiKeyByHash(hash: string) {
    const r = this.c.one('SELECT * FROM api_keys WHERE hash = ?', hash);
    return r ? rows.toApiKey(r) : null;
  }

  async revokeApiKey(accountId: string, id: string, at: number) {
    const sql = 'UPDATE api_keys SET revoked_at = ? WHERE account_id = ? AND id = ? AND revoked_at IS NULL';
    return this.c.writes.run(() => this.c.stmt(sql).run(at, accountId, id).changes > 0);
  }

  async addAccessKey(key: AccessKeyRecord) {
    await this.c.writes.run(() => this.c.insert('access_keys', rows.accessKeyRow(key)));
  }

  async getAccessKey(id: string) {
    const r = this.c.one('SELECT * FROM access_keys WHERE id = ?', id);
    return r ? rows.toAccessKey(r) : null;
  }

  async listAccessKeys(accountId: string) {
    return this.c.all('SELECT * FROM access_keys WHERE account_id = ? ORDER BY created_at, id', accountId).map(rows.toAccessKey);
  }

  async revokeAccessKey(accountId: string, id: string, at: number) {
    const sql = 'UPDATE access_keys SET revoked_at = ? WHERE account_id = ? AND id = ? AND revoked_at IS NULL';
    return this.c.writes.run(() => this.c.stmt(sql).run(at, accountId, id).changes > 0);
  }
}
