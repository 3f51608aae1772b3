import { newId as defaultNewId } from '../ids.js';
import type { Account } from '../model.js';
import { decoyPasswordHash, verifyPassword } from '../passwords.js';
import type { AccountStore, Clock, QuotaRule, VerificationStore } from '../ports.js';

export interface LockoutPolicy {
  /** This many failures within `windowMs` lock the login for `lockMs`. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export const defaultLockout: LockoutPolicy = { maxFailures: 10, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export type LoginResult = { ok: true; account: Account } | { ok: false; reason: 'invalid' | 'locked' };

/**
 * Login name and password (Sectigo style). Failures and locks live in the store's quota charges, so
 * a lockout holds across restarts and nodes. Unknown names cost the same scrypt as known ones, and a
 * locked login answers like a wrong password. Every failure and lock is audited.
 */
export class LoginService {
  constructor(
    private readonly store: AccountStore & Pick<VerificationStore, 'commit'>,
    private readonly clock: Clock,
    private readonly policy: LockoutPolicy = defaultLockout,
    private readonly newId: () => string = defaultNewId,
  ) {}

  private rules(loginName: string): { failures: QuotaRule; lock: QuotaRule } {
    return {
      failures: { name: 'login_failures', key: `loginfail:${loginName}`, windowMs: this.policy.windowMs, limit: this.policy.maxFailures },
      lock: { name: 'login_lock', key: `loginlock:${loginName}`, windowMs: this.policy.lockMs, limit: 1 },
    };
  }

  async authenticate(loginName: string, password: string, ip: string | null): Promise<LoginResult> {
    const at = this.clock.now();
    const { failures, lock } = this.rules(loginName);
    const found = await this.store.findAccountByLogin(loginName);
    const locked = !(await this.store.commit({ quota: { sends: [[lock]], at, enforce: true, charge: false } })).ok;
    // Always one scrypt, whatever the case, so that timing tells nothing about the login.
    const matches = await verifyPassword(password, found?.passwordHash ?? (await decoyPasswordHash));
    const accountId = found?.account.id ?? null;
    if (locked) {
      await this.audit('login.refused_locked', accountId, { loginName, ip }, at);
      return { ok: false, reason: 'locked' };
    }
    if (found && matches && found.passwordHash) {
      await this.store.commit({ clearQuotaKeys: [failures.key] });
      return { ok: true, account: found.account };
    }
    await this.store.commit({
      quota: { sends: [[failures]], at, enforce: false },
      events: [this.event('login.failed', accountId, { loginName, ip, knownLogin: found !== null }, at)],
    });
    // Checking room for one more failure: none left means this one was the last allowed.
    const tooMany = !(await this.store.commit({ quota: { sends: [[failures]], at, enforce: true, charge: false } })).ok;
    if (tooMany) {
      await this.store.commit({
        quota: { sends: [[lock]], at, enforce: false },
        clearQuotaKeys: [failures.key],
        events: [this.event('login.locked', accountId, { loginName, ip, untilMs: at + this.policy.lockMs }, at)],
      });
    }
    return { ok: false, reason: 'invalid' };
  }

  private event(type: string, accountId: string | null, detail: Record<string, unknown>, at: number) {
    return { id: this.newId(), at, type, accountId, verificationId: null, subjectId: null, detail };
  }

  private async audit(type: string, accountId: string | null, detail: Record<string, unknown>, at: number) {
    await this.store.commit({ events: [this.event(type, accountId, detail, at)] });
  }
}
