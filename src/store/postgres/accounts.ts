import type { AccessKeyRecord, AccountPersister, ApiKeyRecord, NewCredentials } from '../../core/accounts/port.js';
import type { Account } from '../../core/model.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import { isConflict, PgConnection } from './connection.js';

export class PgAccounts implements AccountPersister {
  constructor(private readonly c: PgConnection) {}

  async createAccount(account: Account, credentials: NewCredentials): Promise<'created' | 'exists'> {
    try {
      await this.c.tx(async (q) => {
        await PgConnection.insert(q, 'accounts', [rows.accountRow(account, credentials.passwordHash)]);
        await PgConnection.insert(q, 'api_keys', credentials.apiKeys.map(rows.apiKeyRow));
        await PgConnection.insert(q, 'access_keys', credentials.accessKeys.map(rows.accessKeyRow));
      });
      return 'created';
    } catch (e) {
      if (isConflict(e)) return 'exists';
      throw e;
    }
  }

  async getAccount(id: string) {
    const r = await this.c.one('SELECT * FROM accounts WHERE id = ?', id);
    return r ? rows.toAccount(r) : null;
  }

  async findAccountByName(name: string) {
    const r = await this.c.one('SELECT * FROM accounts WHERE name = ?', name);
    return r ? rows.toAccount(r) : null;
  }

  async findAccountByLogin(loginName: string) {
    const r = await this.c.one('SELECT * FROM accounts WHERE login_name = ?', loginName);
    return r ? { account: rows.toAccount(r), passwordHash: r.password_hash === null ? null : String(r.password_hash) } : null;
  }

  async listAccounts(cursor: string | undefined, limit: number) {
    return this.c.page('accounts', new Where().add('id < ?', rows.decodeCursor(cursor)), limit, rows.toAccount);
  }

  async addApiKey(key: ApiKeyRecord) {
    await PgConnection.insert(this.c, 'api_keys', [rows.apiKeyRow(key)]);
  }

  async listApiKeys(accountId: string) {
    return (await this.c.rows('SELECT * FROM api_keys WHERE account_id = ? ORDER BY id', accountId)).map(rows.toApiKey);
  }

  async getApiKey(accountId: string, id: string) {
    const r = await this.c.one('SELECT * FROM api_keys WHERE account_id = ? AND id = ?', accountId, id);
    return r ? rows.toApiKey(r) : null;
  }

  async findApiKeyByHash(hash: string) {
    const r = await this.c.one('SELECT * FROM api_keys WHERE hash = ?', hash);
    return r ? rows.toApiKey(r) : null;
  }

  async revokeApiKey(accountId: string, id: string, at: number) {
    return (
      (await this.c.run('UPDATE api_keys SET revoked_at = ? WHERE account_id = ? AND id = ? AND revoked_at IS NULL', at, accountId, id)) > 0
    );
  }

  async addAccessKey(key: AccessKeyRecord) {
    await PgConnection.insert(this.c, 'access_keys', [rows.accessKeyRow(key)]);
  }

  async getAccessKey(id: string) {
    const r = await this.c.one('SELECT * FROM access_keys WHERE id = ?', id);
    return r ? rows.toAccessKey(r) : null;
  }

  async listAccessKeys(accountId: string) {
    return (await this.c.rows('SELECT * FROM access_keys WHERE account_id = ? ORDER BY created_at, id', accountId)).map(rows.toAccessKey);
  }

  async revokeAccessKey(accountId: string, id: string, at: number) {
    const sql = 'UPDATE access_keys SET revoked_at = ? WHERE account_id = ? AND id = ? AND revoked_at IS NULL';
    return (await this.c.run(sql, at, accountId, id)) > 0;
  }
}
