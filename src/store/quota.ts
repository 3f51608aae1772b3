import type { QuotaRuleName } from '../core/errors.js';
import type { QuotaRule } from '../core/ports.js';

export type QuotaVerdict = { ok: true } | { ok: false; rule: QuotaRuleName; retryAfterMs: number };

/**
 * Sliding-window check. `chargesOf(key, since)` returns the charge times of `key` after `since`,
 * ascending. The wait is until enough of them leave the window; the longest wait wins.
 */
export const evaluateQuota = (rules: QuotaRule[], at: number, chargesOf: (key: string, since: number) => number[]): QuotaVerdict => {
  let worst: QuotaVerdict = { ok: true };
  for (const rule of rules) {
    const charges = chargesOf(rule.key, at - rule.windowMs);
    if (charges.length < rule.limit) continue;
    const freesAt = (charges[charges.length - rule.limit] ?? at) + rule.windowMs;
    const retryAfterMs = Math.max(1, freesAt - at);
    if (worst.ok || retryAfterMs > worst.retryAfterMs) worst = { ok: false, rule: rule.name, retryAfterMs };
  }
  return worst;
};

export const distinctKeys = (rules: QuotaRule[]): string[] => [...new Set(rules.map((r) => r.key))];
