import type { DeliveryAttempt } from '../../core/model.js';
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

/** A verification's history: events and sends, each send with its attempts and SMTP responses. */
export const timelineView = (entries: TimelineEntry[], csrf: string, canSend: boolean): SafeHtml => {
  if (entries.length === 0) return html`<p class="muted">Nothing recorded yet.</p>`;
  const items = entries.map((e) => {
    if (e.kind === 'event') {
      const line = eventLine(e.event.type, e.event.detail, e.event.count);
      return html`<li class="${line.tone}">${when(e.at)}: ${line.text}</li>`;
    }
    const m = e.message;
    const tone = m.status === 'sent' ? 'good' : m.status === 'failed' || m.status === 'suppressed' ? 'bad' : '';
    const next = m.status === 'deferred' || m.status === 'queued' ? html`; next attempt ${when(m.nextAttemptAt)}` : html``;
    const retry =
      m.status === 'failed' && canSend
        ? html` ${postButton(`/console/messages/${m.id}/retry`, 'Retry', csrf, { fields: { back: `/console/verifications/${m.verificationId}` } })}`
        : html``;
    return html`<li class="${tone}">${when(e.at)}: Email ${stateBadge(m.status)} to ${m.recipient}${next}${
      m.lastError && m.status !== 'sent' ? html`; last error <span class="mono">${m.lastError}</span>` : html``
    }${retry}
<ul>${e.attempts.length ? joinHtml(e.attempts.map(attemptLine)) : html`<li class="muted">No delivery attempt yet</li>`}</ul></li>`;
  });
  return html`<ol class="timeline">${joinHtml(items)}</ol>`;
};
