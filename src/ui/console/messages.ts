import type { FastifyInstance } from 'fastify';
import { may } from '../../core/access/permissions.js';
import { type MessageStatus, messageStatuses } from '../../core/model.js';
import { html, joinHtml } from '../page.js';
import { postButton, stateBadge, table } from './layout.js';
import { type ConsoleDeps, csrfToken, render, sessionOf } from './plugin.js';
import { eventOf, lastResponse } from './webhook-views.js';
import { channelNames, when } from './words.js';

const statusHelp: Record<MessageStatus, string> = {
  queued: 'waiting for the courier',
  sending: 'being delivered now',
  sent: 'accepted by the mail server',
  deferred: 'will be tried again',
  failed: 'given up; can be retried',
  suppressed: 'not sent: no longer needed',
  bounced: 'delivered, then bounced back; the address is suppressed',
};

/** Where a Retry returns to: a console page only. */
const backTo = (value: unknown): string =>
  typeof value === 'string' && /^\/console\/[A-Za-z0-9/_-]{0,200}$/.test(value) ? value : '/console/messages?status=failed';

export const messageRoutes = (deps: ConsoleDeps) => async (app: FastifyInstance) => {
  app.get<{ Querystring: { status?: string; cursor?: string; notice?: string } }>('/messages', async (req, reply) => {
    const actor = sessionOf(req).principal;
    const status = messageStatuses.includes(req.query.status as MessageStatus) ? (req.query.status as MessageStatus) : undefined;
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor.length <= 200 ? req.query.cursor : undefined;
    const [counts, page] = await Promise.all([deps.activity.queue(actor), deps.messages.list(actor, { status, cursor, limit: 50 })]);
    const csrf = csrfToken(req, reply);
    const canSend = may(actor, 'send');
    const rows = page.items.map(
      (
        m,
      ) => html`<tr><td><a href="/console/messages/${m.id}">${m.channel === 'webhook' ? eventOf(m) : m.recipient}</a></td><td>${channelNames[m.channel] ?? m.channel}</td><td>${stateBadge(m.status)}</td>
<td>${String(m.attempts)}</td><td>${m.status === 'deferred' || m.status === 'queued' ? when(m.nextAttemptAt) : html`<span class="muted">-</span>`}</td>
<td class="mono">${lastResponse(m)}</td><td>${when(m.createdAt)}</td>
<td>${m.channel === 'email' && m.status === 'failed' && canSend ? postButton(`/console/messages/${m.id}/retry`, 'Retry', csrf, { name: `Retry the email to ${m.recipient}` }) : html``}</td></tr>`,
    );
    const countItems = messageStatuses.map(
      (s) =>
        html`<li><a href="/console/messages?status=${s}"${s === status ? html` aria-current="true"` : ''}>${s}</a><strong data-count="${s}">${String(
          counts[s],
        )}</strong><span class="muted">${statusHelp[s]}</span></li>`,
    );
    const next = page.nextCursor
      ? html`<p class="pager"><a href="/console/messages?${new URLSearchParams({ ...(status ? { status } : {}), cursor: page.nextCursor }).toString()}">Older messages</a></p>`
      : html``;
    const body = html`<section data-live-counts="/console/messages/counts.json" aria-labelledby="counts-h">
<h2 id="counts-h">Queue by status</h2><ul class="counts">${joinHtml(countItems)}</ul>
<p class="muted">Counts refresh every 5 seconds. Last refreshed: <span data-updated>at page load</span>.</p></section>
<h2>${status ? `Messages ${status}` : 'All messages'}, newest first</h2>
${status ? html`<p><a href="/console/messages">Show every status</a></p>` : html``}
${table('Messages', ['Recipient or event', 'Channel', 'Status', 'Attempts', 'Next attempt', 'Last response', 'Queued', 'Action'], rows, 'No message here.')}
${next}`;
    return render(req, reply, {
      title: 'Messages',
      section: 'messages',
      body,
      notice: req.query.notice === 'retried' ? { text: 'The email is queued again and will be sent shortly.' } : null,
    });
  });

  app.get('/messages/counts.json', async (req) => deps.activity.queue(sessionOf(req).principal));

  app.post<{ Params: { id: string }; Body: { back?: unknown } }>('/messages/:id/retry', async (req, reply) => {
    await deps.retries.retry(sessionOf(req).principal, req.params.id);
    const back = backTo(req.body?.back);
    return reply.redirect(`${back}${back.includes('?') ? '&' : '?'}notice=retried`, 303);
  });
};
