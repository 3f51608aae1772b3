import type { AccountService } from '../accounts/service.js';
import type { Clock } from '../clock.js';
import { CoreError } from '../errors.js';
import type { QuotaPersister, QuotaRule } from '../quotas/port.js';
import { equalDigests, keyedHash, type ServerKeys } from '../secrets.js';
import { ownerPermissions, type Principal, permissionsOfRole } from './permissions.js';

export interface AuthenticatorDeps {
  accounts: AccountService;
  quotas: QuotaPersister;
  clock: Clock;
  keys: ServerKeys;
  /** Keyed hash of the admin token. */
  adminTokenHash: string;
  /** Keyed hash of the metrics token, if one is configured. */
  metricsTokenHash: string | null;
  /** Keyed hash of the bounce token (providers posting bounces), if one is configured. */
  bounceTokenHash?: string | null;
  /** Failed authentications allowed per client IP per minute; 0 switches the throttle off. */
  failuresPerMinute: number;
}

/**
 * Turns presented credentials into a principal, the same way for every dialect. Failed attempts are
 * counted per client IP; over the limit, failures are answered QUOTA_EXCEEDED (valid credentials
 * still pass), so guessing keys costs the guesser, not the service.
 */
export class Authenticator {
  constructor(private readonly deps: AuthenticatorDeps) {}

  private isAdmin(secret: string): boolean {
    return equalDigests(keyedHash(this.deps.keys.credentialHash, secret), this.deps.adminTokenHash);
  }

  /** Bearer tokens: the admin token or an account API key. */
  async bearer(token: string | null, ip: string | null): Promise<Principal> {
    if (token && this.isAdmin(token)) return { kind: 'admin' };
    const principal = token ? await this.apiKeyPrincipal(token) : null;
    if (principal) return principal;
    return this.failed(ip);
  }

  /** An account API key presented on its own (DigiCert's X-DC-DEVKEY). */
  async apiKey(key: string | null, ip: string | null): Promise<Principal> {
    const principal = key && key.length <= 256 ? await this.apiKeyPrincipal(key) : null;
    return principal ?? this.failed(ip);
  }

  /** `/metrics`: the metrics token or the admin token. */
  async metrics(token: string | null, ip: string | null): Promise<void> {
    if (
      token &&
      (this.isAdmin(token) ||
        (this.deps.metricsTokenHash !== null && equalDigests(keyedHash(this.deps.keys.credentialHash, token), this.deps.metricsTokenHash)))
    )
      return;
    await this.failed(ip);
  }

  /** `POST /v1/bounces`: the bounce token or the admin token; either acts as the operator there. */
  async bounces(token: string | null, ip: string | null): Promise<Principal> {
    const hash = this.deps.bounceTokenHash ?? null;
    if (token && (this.isAdmin(token) || (hash !== null && equalDigests(keyedHash(this.deps.keys.credentialHash, token), hash))))
      return { kind: 'admin' };
    return this.failed(ip);
  }

  /** The principal of an account's own login or access key: every permission of the account. */
  owner(accountId: string): Principal {
    return { kind: 'account', accountId, permissions: ownerPermissions };
  }

  private async apiKeyPrincipal(key: string): Promise<Principal | null> {
    const record = await this.deps.accounts.authenticateApiKey(key);
    return record ? { kind: 'account', accountId: record.accountId, permissions: permissionsOfRole(record.role) } : null;
  }

  private async failed(ip: string | null): Promise<never> {
    const limit = this.deps.failuresPerMinute;
    if (limit > 0) {
      const rule: QuotaRule = { name: 'auth_failures', key: `authfail:${ip ?? ''}`, windowMs: 60_000, limit };
      const taken = await this.deps.quotas.take([rule], this.deps.clock.now());
      if (!taken.ok) throw new CoreError('QUOTA_EXCEEDED', { rule: 'auth_failures', retryAfterMs: taken.retryAfterMs });
    }
    throw new CoreError('UNAUTHENTICATED');
  }
}
