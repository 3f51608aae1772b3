import type { DeliveryAttempt, Message } from '../../core/model.js';
import type { BounceRecord } from '../../core/suppressions/port.js';
import type { TimelineEntry } from '../../core/verification/timeline.js';
import { html, joinHtml, type SafeHtml } from '../page.js';
import { postButton, stateBadge } from './layout.js';
import { duration, refusalReason, when } from './words.js';

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** An audit event in words, with how it should look (good, bad or neutral). */
const eventLine = (type: string, detail: Record<string, unknown>, count: number | undefined): { text: string; tone: string } => {
  switch (type) {
    case 'verification.created':
      return { text: 'Created, and the first email queued', tone: '' };
    case 'verification.resent':
      return {
        text: `Resend requested${
          detail.rotated === false
            ? ' (the same link sent again)'
            : detail.policy === 'rotate-with-grace'
              ? ' (a new link; the previous one works for a short grace period)'
              : detail.rotated
                ? ' (a new link; the previous one stopped working)'
                : ''
        }`,
        tone: '',
      };
    case 'verification.confirmed':
      return { text: 'Confirmed by the recipient', tone: 'good' };
    case 'verification.cancelled':
      return { text: 'Cancelled', tone: 'bad' };
    case 'verification.expired':
      return { text: 'Expired without confirmation', tone: 'bad' };
    case 'quota.refused': {
      const retry =
        typeof detail.retryAfterMs === 'number' ? `; the next send would be allowed ${duration(detail.retryAfterMs)} later` : '';
      return {
        text: `Resend refused: ${refusalReason(str(detail.rule))}${retry}${count && count > 1 ? ` (${count} times this hour)` : ''}`,
        tone: 'bad',
      };
    }
    case 'message.bounced':
      return {
        text: `The email bounced${detail.status ? ` (${str(detail.status)})` : ''}: the address is suppressed, no more email goes to it until lifted`,
        tone: 'bad',
      };
    case 'message.requeued':
      return { text: 'A failed email was queued again (Retry)', tone: '' };
    case 'subject.state_changed':
      return { text: `Its order moved from ${str(detail.from)} to ${str(detail.to)}`, tone: 'good' };
    default:
      return { text: type, tone: '' };
  }
};

const attemptLine = (a: DeliveryAttempt): SafeHtml =>
  html`<li>Attempt ${String(a.number)} at ${when(a.startedAt)}: ${a.result.replace('_', ' ')}${
    a.response ? html` <span class="mono">${a.response}</span>` : html``
  }</li>`;

const bounceLine = (b: BounceRecord): SafeHtml =>
  html`<li class="bounce">${b.kind === 'hard' ? 'Hard' : 'Soft'} bounce at ${when(b.receivedAt)}${
    b.status || b.diagnostic ? html`: <span class="mono">${[b.status, b.diagnostic].filter(Boolean).join(' ')}</span>` : html``
  }</li>`;

/** A send in words: an email to its recipient, or a webhook delivery of an event. */
const sendLine = (m: Message): SafeHtml =>
  m.channel === 'webhook'
    ? html`Webhook <span class="mono">${m.data.type ?? 'event'}</span> ${stateBadge(m.status)}`
    : html`Email ${stateBadge(m.status)} to ${m.recipient}`;

/**
 * A verification's history: events and sends of every channel, each send with its attempts and
 * responses, an email with the bounces that came back (`bounces`, by message id).
 */
export const timelineView = (
  entries: TimelineEntry[],
  csrf: string,
  canSend: boolean,
  bounces: ReadonlyMap<string, BounceRecord[]> = new Map(),
): SafeHtml => {
  if (entries.length === 0) return html`<p class="muted">Nothing recorded yet.</p>`;
  const items = entries.map((e) => {
    if (e.kind === 'event') {
      const line = eventLine(e.event.type, e.event.detail, e.event.count);
      return html`<li class="${line.tone}">${when(e.at)}: ${line.text}</li>`;
    }
    const m = e.message;
    const tone = m.status === 'sent' ? 'good' : m.status === 'failed' || m.status === 'suppressed' || m.status === 'bounced' ? 'bad' : '';
    const next = m.status === 'deferred' || m.status === 'queued' ? html`; next attempt ${when(m.nextAttemptAt)}` : html``;
    const retry =
      m.channel === 'email' && m.status === 'failed' && canSend
        ? html` ${postButton(`/console/messages/${m.id}/retry`, 'Retry', csrf, { fields: { back: `/console/verifications/${m.verificationId}` } })}`
        : html``;
    const lines = [...e.attempts.map(attemptLine), ...(bounces.get(m.id) ?? []).map(bounceLine)];
    return html`<li class="${tone}">${when(e.at)}: ${sendLine(m)}${next}${
      m.lastError && m.status !== 'sent' && m.status !== 'bounced' ? html`; last error <span class="mono">${m.lastError}</span>` : html``
    } <a href="/console/messages/${m.id}" aria-label="Details of this ${m.channel === 'webhook' ? 'webhook delivery' : 'email'}, queued ${new Date(m.createdAt).toISOString()}">details</a>${retry}
<ul>${lines.length ? joinHtml(lines) : html`<li class="muted">No delivery attempt yet</li>`}</ul></li>`;
  });
  return html`<ol class="timeline">${joinHtml(items)}</ol>`;
};
