import type { AuditPersister } from '../audit/port.js';
import type { Clock } from '../clock.js';
import type { Account } from '../model.js';
import { decoyPasswordHash, verifyPassword } from '../passwords.js';
import type { QuotaPersister, QuotaRule } from '../quotas/port.js';
import type { HashGate } from './hash-gate.js';
import type { AccountPersister } from './port.js';
import type { VerifiedCredentials } from './verified-credentials.js';

export interface LockoutPolicy {
  /** Wrong passwords allowed per login name and client IP within `windowMs`. */
  maxFailures: number;
  /** Wrong passwords allowed per login name from everywhere within `windowMs` (distributed guessing). */
  maxFailuresGlobal: number;
  windowMs: number;
}

export const defaultLockout: LockoutPolicy = { maxFailures: 10, maxFailuresGlobal: 100, windowMs: 15 * 60_000 };

export type LoginResult = { ok: true; account: Account } | { ok: false; reason: 'invalid' | 'locked' | 'busy' };

export interface LoginDeps {
  accounts: AccountPersister;
  quotas: QuotaPersister;
  audit: AuditPersister;
  clock: Clock;
  gate: HashGate;
  verified: VerifiedCredentials;
  newId: () => string;
  policy?: LockoutPolicy;
  /** Told of each attempt the hash gate turned away (for metrics: they are not audited one by one). */
  onBusy?: (bound: 'client_busy' | 'busy') => void;
}

/**
 * Login name and password (Sectigo style). Every slow check first reserves one guess, atomically and
 * before the password is looked at: a login has at most `maxFailures` guesses per client IP and
 * `maxFailuresGlobal` in all within the window, however many requests arrive at once, on however
 * many nodes; a right password gives its reservation back. A locked login answers like a wrong
 * password. A password verified recently is accepted through a keyed fast hash (no scrypt), but
 * only after the same lock check. Unknown names cost the same scrypt as known ones.
 */
export class LoginService {
  private readonly policy: LockoutPolicy;

  constructor(private readonly deps: LoginDeps) {
    this.policy = deps.policy ?? defaultLockout;
  }

  private rules(loginName: string, ip: string | null): QuotaRule[] {
    const { maxFailures, maxFailuresGlobal, windowMs } = this.policy;
    return [
      { name: 'login_failures', key: `loginfail:${loginName}:${ip ?? ''}`, windowMs, limit: maxFailures },
      { name: 'login_lock', key: `loginfail:${loginName}`, windowMs, limit: maxFailuresGlobal },
    ];
  }

  async authenticate(loginName: string, password: string, ip: string | null): Promise<LoginResult> {
    const { accounts, quotas, clock, gate, verified } = this.deps;
    const at = clock.now();
    const rules = this.rules(loginName, ip);
    const found = await accounts.findAccountByLogin(loginName);
    const stored = found?.passwordHash ?? null;
    if (found && stored && verified.matches(loginName, stored, password, at)) {
      if (!(await quotas.check(rules, at)).ok) return this.refused('login.refused_locked', found.account.id, loginName, ip, at);
      return { ok: true, account: found.account };
    }
    // The hash gate first: a flood over the bound is answered without writing anything.
    const client = ip ?? '';
    const admitted = gate.tryEnter(client);
    if (admitted !== 'admitted') {
      this.deps.onBusy?.(admitted);
      return { ok: false, reason: admitted === 'client_busy' ? 'locked' : 'busy' };
    }
    const reservation = await quotas.take(rules, at).catch((e: unknown) => {
      gate.leave(client);
      throw e;
    });
    if (!reservation.ok) {
      gate.leave(client);
      verified.forget(loginName);
      return this.refused('login.refused_locked', found?.account.id ?? null, loginName, ip, at);
    }
    let matches: boolean;
    try {
      matches = await verifyPassword(password, stored ?? (await decoyPasswordHash));
    } finally {
      gate.leave(client);
    }
    if (found && stored && matches) {
      await quotas.release(reservation.charges);
      await quotas.clear([rules[0]?.key ?? '']);
      verified.remember(loginName, stored, password, at);
      return { ok: true, account: found.account };
    }
    await this.count('login.failed', found?.account.id ?? null, loginName, ip, at, { knownLogin: found !== null });
    if (!(await quotas.check(rules, at)).ok) await this.count('login.locked', found?.account.id ?? null, loginName, ip, at, {});
    return { ok: false, reason: 'invalid' };
  }

  private async refused(type: string, accountId: string | null, loginName: string, ip: string | null, at: number): Promise<LoginResult> {
    await this.count(type, accountId, loginName, ip, at, {});
    return { ok: false, reason: 'locked' };
  }

  /** Failures and refusals are counted per login, client and hour, not stored one row each. */
  private count(type: string, accountId: string | null, loginName: string, ip: string | null, at: number, detail: Record<string, unknown>) {
    return this.deps.audit.countRefusal({
      id: this.deps.newId(),
      type,
      at,
      accountId,
      verificationId: null,
      subjectId: null,
      key: `${loginName}|${ip ?? ''}`,
      detail: { loginName, ip, ...detail },
    });
  }
}
