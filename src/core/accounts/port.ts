import type { Account } from '../model.js';
import type { Page } from '../page.js';

export interface ApiKeyRecord {
  id: string;
  accountId: string;
  /** Keyed hash of the key: the only form it is looked up by. */
  hash: string;
  role: number;
  label: string | null;
  /** The last characters, to let people tell keys apart. */
  hint: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface AccessKeyRecord {
  id: string;
  accountId: string;
  /** AES-256-GCM-sealed: request signatures need the secret itself. */
  sealedSecret: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface NewCredentials {
  passwordHash: string | null;
  apiKeys: ApiKeyRecord[];
  accessKeys: AccessKeyRecord[];
}

/**
 * Accounts and their credentials. Concurrency: `createAccount` writes the account and its credentials
 * atomically, and of two creations with one name or login exactly one answers `created`; revocation
 * is a single guarded statement (`false` when already revoked).
 */
export interface AccountPersister {
  createAccount(account: Account, credentials: NewCredentials): Promise<'created' | 'exists'>;
  getAccount(id: string): Promise<Account | null>;
  findAccountByName(name: string): Promise<Account | null>;
  findAccountByLogin(loginName: string): Promise<{ account: Account; passwordHash: string | null } | null>;
  listAccounts(cursor: string | undefined, limit: number): Promise<Page<Account>>;
  addApiKey(key: ApiKeyRecord): Promise<void>;
  listApiKeys(accountId: string): Promise<ApiKeyRecord[]>;
  getApiKey(accountId: string, id: string): Promise<ApiKeyRecord | null>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  revokeApiKey(accountId: string, id: string, at: number): Promise<boolean>;
  addAccessKey(key: AccessKeyRecord): Promise<void>;
  getAccessKey(id: string): Promise<AccessKeyRecord | null>;
  listAccessKeys(accountId: string): Promise<AccessKeyRecord[]>;
  revokeAccessKey(accountId: string, id: string, at: number): Promise<boolean>;
}
