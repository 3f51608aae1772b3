import { equalDigests, keyedHash } from '../secrets.js';

/**
 * Credentials that passed the slow hash recently, remembered as a keyed fast hash of the password
 * bound to the stored password hash: a changed password (on any node) no longer matches, and the
 * caller checks locks before trusting a match. Bounded in size; entries expire after `ttlMs`.
 */
export class VerifiedCredentials {
  private readonly entries = new Map<string, { digest: string; until: number }>();

  constructor(
    private readonly key: Buffer,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  private digest(login: string, storedHash: string, password: string): string {
    return keyedHash(this.key, `${login}\u0000${storedHash}\u0000${password}`);
  }

  matches(login: string, storedHash: string, password: string, now: number): boolean {
    const entry = this.entries.get(login);
    if (!entry || entry.until <= now) return false;
    return equalDigests(entry.digest, this.digest(login, storedHash, password));
  }

  remember(login: string, storedHash: string, password: string, now: number): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(login);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(login, { digest: this.digest(login, storedHash, password), until: now + this.ttlMs });
  }

  forget(login: string): void {
    this.entries.delete(login);
  }
}
