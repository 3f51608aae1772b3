import { createHmac } from 'node:crypto';
import type { AccountPersister } from '../accounts/port.js';
import type { AccountService } from '../accounts/service.js';
import type { Clock } from '../clock.js';
import type { NoncePersister } from '../requests/port.js';
import { randomToken, type ServerKeys, seal, unseal } from '../secrets.js';
import type { Authenticator } from './authenticator.js';
import { type Principal, permissionsOfRole } from './permissions.js';

/** Who a console session stands for, as sealed in its cookie: never the secret itself. */
type Holder = { kind: 'admin'; admin: string } | { kind: 'key'; accountId: string; keyId: string };

interface SealedSession {
  v: 1;
  sid: string;
  exp: number;
  who: Holder;
}

/** An open console session. */
export interface ConsoleSession {
  /** Random, per sign-in: binds CSRF tokens to this session and names its sign-out. */
  id: string;
  principal: Principal;
  /** Who is signed in, in words (no secret). */
  label: string;
  expiresAt: number;
}

export interface ConsoleSessionDeps {
  authenticator: Pick<Authenticator, 'bearer'>;
  accounts: Pick<AccountService, 'authenticateApiKey'>;
  keyRecords: Pick<AccountPersister, 'getApiKey' | 'getAccount'>;
  signedOut: Pick<NoncePersister, 'use' | 'isRecorded'>;
  clock: Clock;
  keys: ServerKeys;
  /** Keyed hash of the admin token: a session of the admin ends when the token is changed. */
  adminTokenHash: string;
  ttlMs: number;
}

const signOutKey = (sid: string) => `console-signout:${sid}`;

/**
 * Console sign-in with the admin token or an account API key, through the same authenticator (and
 * its throttle of failures) as every API. The session lives in a cookie sealed with a key derived
 * from the server key, so every node sharing that key accepts it; it names the API key, not its
 * secret, so revoking the key ends the session, and a sign-out is recorded in the shared store so
 * that the cookie stops working everywhere before it expires.
 */
export class ConsoleSessions {
  private readonly sealKey: Buffer;
  /** For the console's CSRF tokens: derived, so it serves no other purpose. */
  readonly csrfKey: Buffer;

  constructor(private readonly deps: ConsoleSessionDeps) {
    this.sealKey = createHmac('sha256', deps.keys.seal).update('reverify:console-session').digest();
    this.csrfKey = createHmac('sha256', deps.keys.seal).update('reverify:console-csrf').digest();
  }

  private adminMark(): string {
    return createHmac('sha256', this.sealKey).update(this.deps.adminTokenHash).digest('base64url').slice(0, 16);
  }

  /** Throws UNAUTHENTICATED, or QUOTA_EXCEEDED once a client has failed too often. */
  async signIn(secret: string, ip: string | null): Promise<{ cookie: string; session: ConsoleSession }> {
    const presented = secret.trim();
    const principal = await this.deps.authenticator.bearer(presented.length > 0 && presented.length <= 512 ? presented : null, ip);
    let who: Holder;
    if (principal.kind === 'admin') who = { kind: 'admin', admin: this.adminMark() };
    else {
      const record = await this.deps.accounts.authenticateApiKey(presented);
      if (!record) throw new Error('an authenticated key has no record');
      who = { kind: 'key', accountId: record.accountId, keyId: record.id };
    }
    const sealed: SealedSession = { v: 1, sid: randomToken(16), exp: this.deps.clock.now() + this.deps.ttlMs, who };
    const session = await this.resolve(sealed);
    if (!session) throw new Error('a new session does not open');
    return { cookie: seal(this.sealKey, JSON.stringify(sealed)), session };
  }

  /** The session a cookie stands for, or null (absent, forged, expired, signed out, key revoked). */
  async open(cookie: string | undefined): Promise<ConsoleSession | null> {
    if (!cookie || cookie.length > 2048) return null;
    let sealed: SealedSession;
    try {
      sealed = JSON.parse(unseal(this.sealKey, cookie)) as SealedSession;
    } catch {
      return null;
    }
    if (sealed.v !== 1 || typeof sealed.sid !== 'string' || !(sealed.exp > this.deps.clock.now())) return null;
    if (await this.deps.signedOut.isRecorded(signOutKey(sealed.sid), this.deps.clock.now())) return null;
    return this.resolve(sealed);
  }

  async signOut(session: ConsoleSession): Promise<void> {
    await this.deps.signedOut.use(signOutKey(session.id), this.deps.clock.now(), session.expiresAt);
  }

  private async resolve(s: SealedSession): Promise<ConsoleSession | null> {
    const base = { id: s.sid, expiresAt: s.exp };
    if (s.who.kind === 'admin') {
      return s.who.admin === this.adminMark() ? { ...base, principal: { kind: 'admin' }, label: 'Operator (admin token)' } : null;
    }
    const key = await this.deps.keyRecords.getApiKey(s.who.accountId, s.who.keyId);
    if (!key || key.revokedAt !== null) return null;
    const account = await this.deps.keyRecords.getAccount(key.accountId);
    return {
      ...base,
      principal: { kind: 'account', accountId: key.accountId, permissions: permissionsOfRole(key.role) },
      label: `${account?.name ?? key.accountId} (API key …${key.hint})`,
    };
  }
}
