import { may, type Principal } from '../../core/access/permissions.js';
import type { Account, Message } from '../../core/model.js';
import { webhookEventTypes } from '../../core/webhooks/events.js';
import type { WebhookEndpoint } from '../../core/webhooks/port.js';
import { html, joinHtml, type SafeHtml } from '../page.js';
import { csrfField, postButton, stateBadge, table } from './layout.js';
import type { ConsoleDeps } from './plugin.js';
import { when } from './words.js';

/** Deliveries shown per endpoint on the account's page; its own page shows more, with a pager. */
const RECENT = 5;

/** What a register form held, given back when the core refused it. */
export interface WebhookFormValues {
  url: string;
  events: string[];
}

/** What the other side last answered: the successful response, or the latest error. */
export const lastResponse = (m: Message): string =>
  m.status === 'sent' || m.status === 'bounced' ? (m.response ?? '') : (m.lastError ?? '');

/** A webhook delivery's event, from the payload it carries. */
export const eventOf = (m: Message): string => m.data.type ?? 'event';

/** Deliveries to one endpoint: each row's event links to the message's page, with its attempt log. */
export const deliveriesTable = (deliveries: Message[], empty: string): SafeHtml =>
  table(
    'Deliveries',
    ['Event', 'Status', 'Attempts', 'Last response', 'Queued'],
    deliveries.map(
      (m) =>
        html`<tr><td><a href="/console/messages/${m.id}">${eventOf(m)}</a></td><td>${stateBadge(m.status)}${
          m.status === 'deferred' || m.status === 'queued' ? html` <span class="muted">next ${when(m.nextAttemptAt)}</span>` : html``
        }</td><td>${String(m.attempts)}</td><td class="mono">${lastResponse(m)}</td><td>${when(m.createdAt)}</td></tr>`,
    ),
    empty,
  );

const endpointCard = async (deps: ConsoleDeps, actor: Principal, account: Account, e: WebhookEndpoint, csrf: string): Promise<SafeHtml> => {
  const recent = await deps.webhooks.deliveries(actor, e.id, { limit: RECENT });
  const page = `/console/accounts/${account.id}/webhooks/${e.id}`;
  return html`<article class="card" aria-labelledby="hook-${e.id}"><h3 id="hook-${e.id}" class="mono">${e.url}</h3>
<dl class="facts"><dt>Events</dt><dd>${e.events.join(', ')}</dd><dt>Created</dt><dd>${when(e.createdAt)}</dd><dt>Id</dt><dd class="mono">${e.id}</dd></dl>
<h4>Recent deliveries</h4>
${deliveriesTable(recent.items, 'Nothing delivered yet.')}
<p class="actions"><a href="${page}">All deliveries to this endpoint</a>${
    may(actor, 'manage_subjects')
      ? html` ${postButton(`${page}/delete`, 'Delete', csrf, { className: 'danger', name: `Delete the endpoint ${e.url}` })}`
      : html``
  }</p></article>`;
};

const registerForm = (base: string, csrf: string, sandbox: boolean, values: WebhookFormValues | undefined): SafeHtml => {
  const checked = new Set(values?.events ?? []);
  const boxes = webhookEventTypes.map(
    (t) =>
      html`<label class="check"><input type="checkbox" name="events" value="${t}"${checked.has(t) ? html` checked` : ''}> <span class="mono">${t}</span></label>`,
  );
  return html`<h3>Register an endpoint</h3>
<form class="stack" method="post" action="${base}/webhooks">${csrfField(csrf)}
<div><label for="w-url">Endpoint URL</label><input id="w-url" name="url" type="url" required maxlength="2048" value="${values?.url ?? ''}"
 placeholder="https://example.com/hooks" autocomplete="off" spellcheck="false" aria-describedby="w-url-help">
<p id="w-url-help" class="muted">${sandbox ? 'https://, or plain http://127.0.0.1 in this sandbox.' : 'https:// only.'} Redirects are not followed; private addresses are refused.</p></div>
<fieldset><legend>Events</legend>${joinHtml(boxes, '')}</fieldset>
<div><button type="submit">Register endpoint</button></div></form>`;
};

/** The account page's webhook section: its endpoints with their recent deliveries, and (if allowed) a form to register one. */
export const webhookSection = async (
  deps: ConsoleDeps,
  actor: Principal,
  account: Account,
  csrf: string,
  options: { sandbox: boolean; values?: WebhookFormValues },
): Promise<SafeHtml> => {
  const endpoints = await deps.webhooks.list(actor, { account: account.id, limit: 20 });
  const cards = await Promise.all(endpoints.items.map((e) => endpointCard(deps, actor, account, e, csrf)));
  const base = `/console/accounts/${account.id}`;
  return html`<h2 id="webhooks">Webhook endpoints</h2>
<p class="muted">Each event is POSTed to every endpoint subscribed to it, signed as Standard Webhooks says (<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>), and retried with backoff.</p>
${cards.length ? joinHtml(cards) : html`<p class="muted">No webhook endpoint.</p>`}
${may(actor, 'manage_subjects') ? registerForm(base, csrf, options.sandbox, options.values) : html``}`;
};
