import type { QuotaRuleName } from '../../core/errors.js';
import { html, type SafeHtml } from '../page.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** A time as people read it in an operator's console: UTC, to the second, machine-readable too. */
export const when = (t: number | null): SafeHtml => {
  if (t === null) return html`<span class="muted">never</span>`;
  const d = new Date(t);
  const text = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
  return html`<time datetime="${d.toISOString()}">${text}</time>`;
};

const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A duration in words: "45 seconds", "3 minutes", "2 hours 5 minutes". */
export const duration = (ms: number): string => {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return unit(s, 'second');
  const m = Math.ceil(s / 60);
  if (m < 60) return unit(m, 'minute');
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest ? `${unit(h, 'hour')} ${unit(rest, 'minute')}` : unit(h, 'hour');
};

/** A bucket bound for a chart's axis: 1s, 30s, 5m, 1h. */
export const shortDuration = (ms: number): string =>
  ms < 60_000 ? `${Math.round(ms / 1000)}s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)}m` : `${Math.round(ms / 3_600_000)}h`;

/** Why a quota refused a send, in words. */
export const refusalReason = (rule: string | undefined): string => {
  const reasons: Partial<Record<QuotaRuleName, string>> = {
    cooldown: 'this recipient was sent an email moments ago (the per-recipient cooldown)',
    recipient_daily: 'this recipient has had as many emails today as one recipient may get per day',
    account_hourly: 'this account has sent as many emails this hour as it may per hour',
    ip_hourly: 'this client address has asked for as many emails this hour as it may',
  };
  return reasons[rule as QuotaRuleName] ?? 'a sending limit was reached';
};

export const purposeNames: Record<string, string> = {
  email_ownership: 'Email ownership',
  account_activation: 'Account activation',
  dcv: 'Domain control (DCV)',
  smime_mailbox: 'S/MIME mailbox',
};

/** Where verifications come from, by the kind of their subject (Sectigo and DigiCert share one order table). */
export const originNames: Record<string, string> = {
  ssl_order: 'Sectigo / DigiCert SSL order (DCV)',
  smime_order: 'Sectigo S/MIME order',
  email_identity: 'Alibaba Cloud email identity',
  signup: 'Akana sign-up',
  none: 'Native API (no subject)',
};

export const roleNames: Record<number, string> = {
  0: '0: everything the account may do',
  100: '100: orders (read, resend)',
  101: '101: orders and domains',
  102: '102: view only',
  103: '103: user management (keys)',
};

export const channelNames: Record<string, string> = {
  email: 'Email',
  webhook: 'Webhook',
};

export const suppressionReasons: Record<string, string> = {
  hard_bounce: 'Hard bounce',
  manual: 'Added by hand',
};
