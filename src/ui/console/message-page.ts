import type { FastifyInstance } from 'fastify';
import { may, type Principal } from '../../core/access/permissions.js';
import type { Message } from '../../core/model.js';
import type { BounceRecord } from '../../core/suppressions/port.js';
import { html, joinHtml, type SafeHtml } from '../page.js';
import { postButton, stateBadge, table } from './layout.js';
import { type ConsoleDeps, csrfToken, render, sessionOf } from './plugin.js';
import { eventOf } from './webhook-views.js';
import { channelNames, when } from './words.js';

/** A webhook's payload as people read it: the JSON indented (it never holds a token). */
const payload = (body: string | undefined): string => {
  if (!body) return '';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
};

export const bouncesTable = (bounces: BounceRecord[]): SafeHtml =>
  table(
    'Bounces',
    ['Received', 'Kind', 'Status', 'Diagnostic'],
    bounces.map(
      (b) =>
        html`<tr><td>${when(b.receivedAt)}</td><td>${b.kind === 'hard' ? 'hard (permanent)' : 'soft (temporary)'}</td><td class="mono">${b.status ?? ''}</td><td class="mono">${b.diagnostic ?? ''}</td></tr>`,
    ),
    'No bounce came back for this email.',
  );

/** Where a webhook delivery went: its endpoint's URL and page, while the endpoint is still there. */
const destination = async (deps: ConsoleDeps, actor: Principal, m: Message): Promise<[string, SafeHtml][]> => {
  if (m.channel !== 'webhook') return [['Recipient', html`${m.recipient}`]];
  const endpoint = await deps.webhooks.get(actor, m.recipient).catch(() => null);
  return [
    [
      'Endpoint',
      endpoint
        ? html`<a class="mono" href="/console/accounts/${endpoint.accountId}/webhooks/${endpoint.id}">${endpoint.url}</a>`
        : html`<span class="mono">${m.recipient}</span> <span class="muted">(deleted)</span>`,
    ],
    ['Event', html`<span class="mono">${eventOf(m)}</span>`],
  ];
};

/** One message of any channel: what it is, its attempt log, and (email) the bounces that came back. */
export const messagePageRoutes = (deps: ConsoleDeps) => async (app: FastifyInstance) => {
  app.get<{ Params: { id: string } }>('/messages/:id', async (req, reply) => {
    const actor = sessionOf(req).principal;
    const { message: m, attempts, bounces } = await deps.messages.get(actor, req.params.id);
    const waiting = m.status === 'deferred' || m.status === 'queued';
    const facts: [string, SafeHtml][] = [
      ['Channel', html`${channelNames[m.channel] ?? m.channel}`],
      ['Status', html`${stateBadge(m.status)}${m.abandoned ? html` <span class="muted">(every attempt used)</span>` : html``}`],
      ...(await destination(deps, actor, m)),
      ['Verification', html`<a class="mono" href="/console/verifications/${m.verificationId}">${m.verificationId}</a>`],
      [m.channel === 'webhook' ? 'webhook-id' : 'Message-ID', html`<span class="mono">${m.messageId}</span>`],
      ['Attempts', html`${String(m.attempts)}`],
      ['Queued', when(m.createdAt)],
      ...(m.sentAt !== null ? ([['Sent', when(m.sentAt)]] as [string, SafeHtml][]) : []),
      ...(waiting ? ([['Next attempt', when(m.nextAttemptAt)]] as [string, SafeHtml][]) : []),
      ...(m.response ? ([['Response', html`<span class="mono">${m.response}</span>`]] as [string, SafeHtml][]) : []),
      ...(m.lastError && m.status !== 'sent'
        ? ([['Last error', html`<span class="mono">${m.lastError}</span>`]] as [string, SafeHtml][])
        : []),
      ['Id', html`<span class="mono">${m.id}</span>`],
    ];
    const retry =
      m.channel === 'email' && m.status === 'failed' && may(actor, 'send')
        ? html`<p>${postButton(`/console/messages/${m.id}/retry`, 'Retry', csrfToken(req, reply), { fields: { back: `/console/messages/${m.id}` } })}</p>`
        : html``;
    const attemptRows = attempts.map(
      (a) =>
        html`<tr><td>${String(a.number)}</td><td>${when(a.startedAt)}</td><td>${a.finishedAt === null ? html`<span class="muted">-</span>` : when(a.finishedAt)}</td><td>${a.result.replace('_', ' ')}</td><td class="mono">${a.response ?? ''}</td></tr>`,
    );
    const body = html`<dl class="facts">${joinHtml(facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`))}</dl>
${retry}
<h2>Attempt log</h2>
${table('Attempt log', ['Attempt', 'Started', 'Finished', 'Result', 'Response'], attemptRows, 'No delivery attempt yet.')}
${
  m.channel === 'email'
    ? html`<h2>Bounces</h2>${bouncesTable(bounces)}`
    : html`<h2>Payload</h2><p class="muted">The body POSTed, signed with the endpoint's secret.</p><pre>${payload(m.data.body)}</pre>`
}`;
    return render(req, reply, {
      title: m.channel === 'webhook' ? `Webhook ${eventOf(m)}` : `Email to ${m.recipient}`,
      section: 'messages',
      body,
      notice:
        (req.query as { notice?: string }).notice === 'retried' ? { text: 'The email is queued again and will be sent shortly.' } : null,
    });
  });
};
