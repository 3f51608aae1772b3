import type { QuotaRuleName } from '../core/errors.js';
import type { QuotaRule, QuotaVerdict } from '../core/quotas/port.js';

/** One limit to check for a batch of sends, with how many charges of its key the batch adds. */
export interface QuotaCheck {
  rule: QuotaRule;
  add: number;
}

/** The distinct rules of a batch of sends, each with the number of charges the batch adds to its key. */
export const quotaChecks = (sends: QuotaRule[][]): QuotaCheck[] => {
  const adding = new Map<string, number>();
  const rules = new Map<string, QuotaRule>();
  for (const send of sends) {
    for (const key of new Set(send.map((r) => r.key))) adding.set(key, (adding.get(key) ?? 0) + 1);
    for (const rule of send) rules.set(`${rule.name}|${rule.key}|${rule.windowMs}|${rule.limit}`, rule);
  }
  return [...rules.values()].map((rule) => ({ rule, add: adding.get(rule.key) ?? 1 }));
};

/** How an adapter reads one key's charges after `since` (exclusive), synchronously. */
export interface ChargeReader {
  count(key: string, since: number): number;
  /** The time of the n-th oldest charge (1-based), or null. */
  nth(key: string, since: number, n: number): number | null;
}

/**
 * Sliding-window check of a batch of sends. A rule refuses when its window would hold more than
 * `limit` charges with this batch's; the wait is until enough old charges leave the window. The
 * longest wait wins. Reads one count per rule, and one row more only for a refusal.
 */
export const evaluateQuota = (sends: QuotaRule[][], at: number, charges: ChargeReader): QuotaVerdict => {
  let worst: { ok: false; rule: QuotaRuleName; retryAfterMs: number } | null = null;
  for (const { rule, add } of quotaChecks(sends)) {
    const since = at - rule.windowMs;
    const excess = charges.count(rule.key, since) + add - rule.limit;
    if (excess <= 0) continue;
    const freesAt = add > rule.limit ? at + rule.windowMs : (charges.nth(rule.key, since, excess) ?? at) + rule.windowMs;
    const retryAfterMs = Math.max(1, freesAt - at);
    if (!worst || retryAfterMs > worst.retryAfterMs) worst = { ok: false, rule: rule.name, retryAfterMs };
  }
  return worst ?? { ok: true };
};

/** One charge per key per send: a send counts once against each limit it is subject to. */
export const chargedKeys = (sends: QuotaRule[][]): string[] => sends.flatMap((send) => [...new Set(send.map((r) => r.key))]);

/** When each key's charge made by `take` at `at` stops counting: the end of the longest window among its rules. */
export const chargesEnd = (rules: QuotaRule[], at: number): Map<string, number> => {
  const until = new Map<string, number>();
  for (const r of rules) until.set(r.key, Math.max(until.get(r.key) ?? 0, at + r.windowMs));
  return until;
};
