import type { QuotaRuleName } from '../core/errors.js';
import type { QuotaRule } from '../core/ports.js';

export type QuotaVerdict = { ok: true } | { ok: false; rule: QuotaRuleName; retryAfterMs: number };

/**
 * Sliding-window check of a batch of sends. `chargesOf(key, since)` returns the charge times of
 * `key` after `since`, ascending. A rule refuses when its window would hold more than `limit`
 * charges with this batch's; the wait is until enough old charges leave. The longest wait wins.
 */
export const evaluateQuota = (sends: QuotaRule[][], at: number, chargesOf: (key: string, since: number) => number[]): QuotaVerdict => {
  const adding = new Map<string, number>();
  const rules = new Map<string, QuotaRule>();
  for (const send of sends) {
    for (const key of new Set(send.map((r) => r.key))) adding.set(key, (adding.get(key) ?? 0) + 1);
    for (const rule of send) rules.set(`${rule.name}|${rule.key}|${rule.windowMs}|${rule.limit}`, rule);
  }
  let worst: QuotaVerdict = { ok: true };
  for (const rule of rules.values()) {
    const add = adding.get(rule.key) ?? 1;
    const charges = chargesOf(rule.key, at - rule.windowMs);
    const excess = charges.length + add - rule.limit;
    if (excess <= 0) continue;
    const freesAt = add > rule.limit ? at + rule.windowMs : (charges[excess - 1] ?? at) + rule.windowMs;
    const retryAfterMs = Math.max(1, freesAt - at);
    if (worst.ok || retryAfterMs > worst.retryAfterMs) worst = { ok: false, rule: rule.name, retryAfterMs };
  }
  return worst;
};

/** One charge per key per send: a send counts once against each limit it is subject to. */
export const chargedKeys = (sends: QuotaRule[][]): string[] => sends.flatMap((send) => [...new Set(send.map((r) => r.key))]);
