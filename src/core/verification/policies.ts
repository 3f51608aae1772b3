import { recipientKey } from '../addresses.js';
import type { Purpose } from '../model.js';
import type { QuotaRule } from '../quotas/port.js';

export const resendPolicies = ['reuse', 'rotate', 'rotate-with-grace'] as const;
export type ResendPolicy = (typeof resendPolicies)[number];

export interface Policies {
  tokenTtlMs: number;
  /** How long a replaced link keeps working under `rotate-with-grace`. */
  graceMs: number;
  resendPolicy: Record<Purpose, ResendPolicy>;
  /** 0 switches a limit off. */
  cooldownMs: number;
  recipientPerDay: number;
  accountPerHour: number;
  ipPerHour: number;
}

export const defaultPolicies: Policies = {
  tokenTtlMs: 72 * 3600_000,
  graceMs: 15 * 60_000,
  resendPolicy: {
    dcv: 'reuse',
    smime_mailbox: 'rotate-with-grace',
    email_ownership: 'rotate-with-grace',
    account_activation: 'rotate-with-grace',
  },
  cooldownMs: 60_000,
  recipientPerDay: 10,
  accountPerHour: 1000,
  ipPerHour: 300,
};

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * The limits one send is charged against: cooldown and daily ceiling per recipient, hourly per
 * account, and hourly per client IP for unauthenticated callers (an authenticated platform sends
 * from one server address, so its IP says nothing about abuse).
 */
export const quotaRules = (p: Policies, send: { recipient: string; accountId: string | null; ip?: string | null }): QuotaRule[] => {
  const rcpt = `rcpt:${recipientKey(send.recipient)}`;
  const rules: QuotaRule[] = [];
  if (p.cooldownMs > 0) rules.push({ name: 'cooldown', key: rcpt, windowMs: p.cooldownMs, limit: 1 });
  if (p.recipientPerDay > 0) rules.push({ name: 'recipient_daily', key: rcpt, windowMs: DAY, limit: p.recipientPerDay });
  if (p.accountPerHour > 0 && send.accountId)
    rules.push({ name: 'account_hourly', key: `acct:${send.accountId}`, windowMs: HOUR, limit: p.accountPerHour });
  if (p.ipPerHour > 0 && send.ip) rules.push({ name: 'ip_hourly', key: `ip:${send.ip}`, windowMs: HOUR, limit: p.ipPerHour });
  return rules;
};

/** Charges older than this can no longer refuse anything. */
export const longestQuotaWindowMs = (p: Policies): number => Math.max(DAY, p.cooldownMs);
