import type { QuotaRuleName } from '../errors.js';

/** One sliding-window limit: at most `limit` charges of `key` within `windowMs`. */
export interface QuotaRule {
  name: QuotaRuleName;
  key: string;
  windowMs: number;
  limit: number;
}

export type QuotaVerdict = { ok: true } | { ok: false; rule: QuotaRuleName; retryAfterMs: number };

/** A charge that may be taken back (a login attempt that turned out right). */
export interface ChargeRef {
  key: string;
  id: string;
}

/**
 * Sliding-window quotas outside a write batch (logins, request admission). Sends are charged inside
 * their batch (`WriteBatch.quota`) instead, so a send and its charge commit together.
 *
 * Concurrency: `take` is an atomic check-and-charge. However many callers on however many nodes
 * take the same key at once, no window ever holds more than `limit` charges: a caller either sees
 * room and charges it in one step, or is refused and charges nothing.
 */
export interface QuotaPersister {
  /** Checks every rule and, if all have room, charges one per distinct key; all or nothing. */
  take(
    rules: QuotaRule[],
    at: number,
  ): Promise<{ ok: true; charges: ChargeRef[] } | { ok: false; rule: QuotaRuleName; retryAfterMs: number }>;
  /** Checks without charging. */
  check(rules: QuotaRule[], at: number): Promise<QuotaVerdict>;
  /** Takes back charges made by `take` (idempotent). */
  release(charges: ChargeRef[]): Promise<void>;
  /** Drops every charge of these keys. */
  clear(keys: string[]): Promise<void>;
  /**
   * Drops charges made at or before `before` (the longest window of any rule), and those made by
   * `take` whose own rules' windows have ended by `now`; returns how many. Without the second, a
   * flood of one-off keys (a new client address per request) would be kept for the longest window.
   */
  prune(before: number, now: number): Promise<number>;
}
