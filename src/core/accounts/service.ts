import { apiKeyRoles, assertAdmin, assertMay, type Permission, type Principal, permissionsOfRole } from '../access/permissions.js';
import type { Clock } from '../clock.js';
import { CoreError } from '../errors.js';
import type { Account } from '../model.js';
import type { Page } from '../page.js';
import { hashPassword } from '../passwords.js';
import { keyedHash, randomToken, type ServerKeys, seal, unseal } from '../secrets.js';
import type { AccessKeyRecord, AccountPersister, ApiKeyRecord } from './port.js';

export interface NewAccount {
  name: string;
  loginName?: string | null;
  loginPassword?: string | null;
  apiKeys?: { key: string; role: number; label?: string | null }[];
  accessKeys?: { id: string; secret: string }[];
  permissions?: Record<string, boolean>;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const loginPattern = /^[\x21-\x7e]{1,64}$/;
const keyPattern = /^[\x21-\x7e]{16,256}$/;
const accessKeyIdPattern = /^[A-Za-z0-9]{8,64}$/;

const invalid = (field: string, message: string) => new CoreError('VALIDATION_FAILED', { field }, message);

/** Accounts (tenants) and their credentials; every secret is stored hashed or sealed, never in clear. */
export class AccountService {
  constructor(
    private readonly store: AccountPersister,
    private readonly keys: ServerKeys,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  hashApiKey(key: string): string {
    return keyedHash(this.keys.credentialHash, key);
  }

  /** Checks a new account whole; pure, so a fixture file can be refused before anything is written. */
  validate(input: NewAccount): void {
    if (!namePattern.test(input.name)) throw invalid('name', 'An account name is 1 to 64 letters, digits, dots, dashes or underscores.');
    if (input.loginName != null && !loginPattern.test(input.loginName))
      throw invalid('loginName', 'A login name is 1 to 64 printable characters.');
    if (input.loginPassword != null && (input.loginPassword.length < 8 || input.loginPassword.length > 128))
      throw invalid('loginPassword', 'A password is 8 to 128 characters.');
    if ((input.loginName == null) !== (input.loginPassword == null))
      throw invalid('loginPassword', 'loginName and loginPassword go together.');
    for (const k of input.apiKeys ?? []) {
      if (!keyPattern.test(k.key)) throw invalid('apiKeys.key', 'An API key is 16 to 256 printable characters.');
      if (!apiKeyRoles.includes(k.role)) throw invalid('apiKeys.role', `An API key role is one of ${apiKeyRoles.join(', ')}.`);
    }
    for (const k of input.accessKeys ?? []) {
      if (!accessKeyIdPattern.test(k.id)) throw invalid('accessKeys.id', 'An access key id is 8 to 64 letters or digits.');
      if (k.secret.length < 16 || k.secret.length > 128)
        throw invalid('accessKeys.secret', 'An access key secret is 16 to 128 characters.');
    }
  }

  async create(actor: Principal, input: NewAccount): Promise<Account> {
    assertAdmin(actor);
    this.validate(input);
    const now = this.clock.now();
    const account: Account = {
      id: this.newId(),
      name: input.name,
      loginName: input.loginName ?? null,
      permissions: input.permissions ?? {},
      createdAt: now,
    };
    const result = await this.store.createAccount(account, {
      passwordHash: input.loginPassword ? await hashPassword(input.loginPassword) : null,
      apiKeys: (input.apiKeys ?? []).map((k) => this.apiKeyRecord(account.id, k.key, k.role, k.label ?? null, now)),
      accessKeys: (input.accessKeys ?? []).map((k) => this.accessKeyRecord(account.id, k.id, k.secret, now)),
    });
    if (result === 'exists') throw new CoreError('ACCOUNT_EXISTS');
    return account;
  }

  /** By id or by name, as the fixture file and the API name accounts. */
  async resolve(ref: string): Promise<Account> {
    const account = (await this.store.getAccount(ref)) ?? (await this.store.findAccountByName(ref));
    if (!account) throw new CoreError('ACCOUNT_NOT_FOUND');
    return account;
  }

  /** An account as its owner or the operator may see it; anyone else is told it does not exist. */
  async get(actor: Principal, ref: string): Promise<Account> {
    const account = await this.resolve(ref).catch(() => null);
    if (!account || (actor.kind === 'account' && account.id !== actor.accountId)) throw new CoreError('ACCOUNT_NOT_FOUND');
    return account;
  }

  async list(actor: Principal, cursor: string | undefined, limit: number): Promise<Page<Account>> {
    assertAdmin(actor);
    return this.store.listAccounts(cursor, limit);
  }

  /** The account whose credentials `actor` manages: its own, or any for the operator. */
  private async managed(actor: Principal, ref: string, needs: readonly Permission[] = ['manage_keys']): Promise<Account> {
    for (const p of needs) assertMay(actor, p);
    return this.get(actor, ref);
  }

  /**
   * Creates a key; the secret is returned this once and only its hash is kept. A key never creates a
   * key that may do more than itself.
   */
  async createApiKey(
    actor: Principal,
    accountRef: string,
    role: number,
    label: string | null = null,
  ): Promise<{ record: ApiKeyRecord; key: string }> {
    if (!apiKeyRoles.includes(role)) throw invalid('role', `An API key role is one of ${apiKeyRoles.join(', ')}.`);
    const account = await this.managed(actor, accountRef, [...permissionsOfRole(role), 'manage_keys']);
    const key = `rvk_${randomToken(32)}`;
    const record = this.apiKeyRecord(account.id, key, role, label, this.clock.now());
    await this.store.addApiKey(record);
    return { record, key };
  }

  async listApiKeys(actor: Principal, accountRef: string): Promise<ApiKeyRecord[]> {
    return this.store.listApiKeys((await this.managed(actor, accountRef)).id);
  }

  async getApiKey(actor: Principal, accountRef: string, id: string): Promise<ApiKeyRecord> {
    const key = await this.store.getApiKey((await this.managed(actor, accountRef)).id, id);
    if (!key) throw new CoreError('API_KEY_NOT_FOUND');
    return key;
  }

  async revokeApiKey(actor: Principal, accountRef: string, id: string): Promise<void> {
    const account = await this.managed(actor, accountRef);
    if (!(await this.store.getApiKey(account.id, id))) throw new CoreError('API_KEY_NOT_FOUND');
    await this.store.revokeApiKey(account.id, id, this.clock.now());
  }

  /**
   * The account a credential names, without checking the credential (the sandbox's fault injection
   * uses it to match faults set for one account; nothing is granted by it).
   */
  async accountIdNamedBy(credential: { apiKey?: string; loginName?: string; accessKeyId?: string }): Promise<string | null> {
    if (credential.apiKey) return (await this.authenticateApiKey(credential.apiKey))?.accountId ?? null;
    if (credential.loginName) return (await this.store.findAccountByLogin(credential.loginName))?.account.id ?? null;
    if (credential.accessKeyId) return (await this.store.getAccessKey(credential.accessKeyId))?.accountId ?? null;
    return null;
  }

  /** The live key with this secret, looked up by its keyed hash (so the lookup leaks nothing about the secret). */
  async authenticateApiKey(key: string): Promise<ApiKeyRecord | null> {
    const record = await this.store.findApiKeyByHash(this.hashApiKey(key));
    return record && record.revokedAt === null ? record : null;
  }

  /** A new access key pair (Alibaba style: it acts as the account itself); the secret is returned once and kept sealed. */
  async createAccessKey(actor: Principal, accountRef: string): Promise<{ record: AccessKeyRecord; secret: string }> {
    const account = await this.managed(actor, accountRef, [...permissionsOfRole(0), 'manage_keys']);
    const id = `LTAI${randomToken(12).replace(/[-_]/g, 'x')}`;
    const secret = randomToken(24);
    const record = this.accessKeyRecord(account.id, id, secret, this.clock.now());
    await this.store.addAccessKey(record);
    return { record, secret };
  }

  async listAccessKeys(actor: Principal, accountRef: string): Promise<AccessKeyRecord[]> {
    return this.store.listAccessKeys((await this.managed(actor, accountRef)).id);
  }

  async revokeAccessKey(actor: Principal, accountRef: string, id: string): Promise<void> {
    const account = await this.managed(actor, accountRef);
    if (!(await this.store.revokeAccessKey(account.id, id, this.clock.now()))) {
      const exists = (await this.store.getAccessKey(id))?.accountId === account.id;
      if (!exists) throw new CoreError('API_KEY_NOT_FOUND');
    }
  }

  /** The secret of a live access key, for verifying a request signature. */
  async accessKeySecret(id: string): Promise<{ accountId: string; secret: string; active: boolean } | null> {
    const record = await this.store.getAccessKey(id);
    return record
      ? { accountId: record.accountId, secret: unseal(this.keys.seal, record.sealedSecret), active: record.revokedAt === null }
      : null;
  }

  private apiKeyRecord(accountId: string, key: string, role: number, label: string | null, now: number): ApiKeyRecord {
    return { id: this.newId(), accountId, hash: this.hashApiKey(key), role, label, hint: key.slice(-4), createdAt: now, revokedAt: null };
  }

  private accessKeyRecord(accountId: string, id: string, secret: string, now: number): AccessKeyRecord {
    return { id, accountId, sealedSecret: seal(this.keys.seal, secret), createdAt: now, revokedAt: null };
  }
}
