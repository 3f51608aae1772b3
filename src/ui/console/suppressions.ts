import type { FastifyInstance } from 'fastify';
import { may } from '../../core/access/permissions.js';
import type { Suppression } from '../../core/suppressions/port.js';
import { html, type SafeHtml } from '../page.js';
import { options, postButton, table } from './layout.js';
import { accountNames, queryText } from './list-inputs.js';
import { type ConsoleDeps, csrfToken, render, sessionOf } from './plugin.js';
import { suppressionReasons, when } from './words.js';

/** One suppressed address; its reason links to the email that bounced; Lift when `csrf` is given (the credential may send). */
const suppressionRow = (s: Suppression, names: Map<string, string>, csrf: string | null): SafeHtml => {
  const reason = suppressionReasons[s.reason] ?? s.reason;
  const lift = csrf
    ? html`<td>${postButton('/console/suppressions/lift', 'Lift', csrf, {
        name: `Lift the suppression of ${s.address}`,
        fields: { address: s.address, account: s.accountId ?? '' },
      })}</td>`
    : html``;
  return html`<tr><td class="mono">${s.address}</td><td>${s.accountId ? (names.get(s.accountId) ?? s.accountId) : html`<span class="muted">none (sign-ups)</span>`}</td>
<td>${s.messageId ? html`<a href="/console/messages/${s.messageId}" title="The email that bounced">${reason}</a>` : reason}</td>
<td class="mono">${s.detail ?? ''}</td><td>${when(s.createdAt)}</td>${lift}</tr>`;
};

/**
 * The suppression lists: addresses no email goes to until lifted. The operator sees every account's
 * (and can narrow to one); an account credential its own. Lift needs `send`, as the core decides.
 */
export const suppressionRoutes = (deps: ConsoleDeps) => async (app: FastifyInstance) => {
  app.get<{ Querystring: { account?: string; address?: string; cursor?: string; notice?: string } }>(
    '/suppressions',
    async (req, reply) => {
      const actor = sessionOf(req).principal;
      const names = await accountNames(deps, actor);
      const account = actor.kind === 'admin' ? queryText(req.query.account, 64) : undefined;
      const address = queryText(req.query.address, 254);
      const cursor = queryText(req.query.cursor, 200);
      const page = await deps.suppressions.list(actor, { account, address, cursor, limit: 50 });
      const csrf = csrfToken(req, reply);
      const canLift = may(actor, 'send');
      const rows = page.items.map((s) => suppressionRow(s, names, canLift ? csrf : null));
      const accountFilter =
        actor.kind === 'admin'
          ? html`<div><label for="f-account">Account</label><select id="f-account" name="account"><option value="">Any</option>${options([...names], account)}</select></div>`
          : html``;
      const query = Object.fromEntries(Object.entries({ account, address }).filter(([, v]) => v !== undefined)) as Record<string, string>;
      const next = page.nextCursor
        ? html`<p class="pager"><a href="/console/suppressions?${new URLSearchParams({ ...query, cursor: page.nextCursor }).toString()}">Older entries</a></p>`
        : html``;
      const body = html`<p class="muted">No email goes to these addresses: a send to one is refused before anything is queued. A hard bounce puts an address here; lifting it lets mail go to it again.</p>
<form class="filters" method="get" action="/console/suppressions" role="search" aria-label="Filter suppressions">
<div><label for="f-address">Address</label><input id="f-address" name="address" type="search" value="${address ?? ''}" maxlength="254" autocomplete="off"></div>
${accountFilter}<div><button type="submit">Filter</button></div></form>
<h2>Newest first</h2>
${table('Suppressed addresses', ['Address', 'Account', 'Reason', 'Bounce detail', 'Since', ...(canLift ? ['Action'] : [])], rows, 'No address is suppressed.')}
${next}`;
      return render(req, reply, {
        title: 'Suppressions',
        section: 'suppressions',
        body,
        notice: req.query.notice === 'lifted' ? { text: 'Lifted: mail goes to this address again.' } : null,
      });
    },
  );

  app.post<{ Body: { address?: unknown; account?: unknown } }>('/suppressions/lift', async (req, reply) => {
    const actor = sessionOf(req).principal;
    const address = typeof req.body?.address === 'string' ? req.body.address.slice(0, 254) : '';
    // An empty account is the list of mail of no account (the operator's); a key's own list needs no name.
    const account = typeof req.body?.account === 'string' && req.body.account !== '' ? req.body.account.slice(0, 64) : undefined;
    await deps.suppressions.lift(actor, { address, account });
    return reply.redirect('/console/suppressions?notice=lifted', 303);
  });
};
