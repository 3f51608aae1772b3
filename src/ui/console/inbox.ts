import type { FastifyInstance } from 'fastify';
import { html, joinHtml } from '../page.js';
import { table } from './layout.js';
import { mailCsp, mailFrame, withNewTabLinks } from './mail-frame.js';
import { mailLinks } from './mail-links.js';
import { type ConsoleDeps, render, sessionOf } from './plugin.js';
import { when } from './words.js';

/** The captured inbox (sandbox mail), as Mailpit shows it: newest first, searchable by recipient. */
export const inboxRoutes = (deps: ConsoleDeps) => async (app: FastifyInstance) => {
  app.get<{ Querystring: { to?: string; cursor?: string } }>('/inbox', async (req, reply) => {
    const actor = sessionOf(req).principal;
    const to = typeof req.query.to === 'string' && req.query.to.trim() && req.query.to.length <= 254 ? req.query.to.trim() : undefined;
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor.length <= 200 ? req.query.cursor : undefined;
    const page = await deps.messages.inbox(actor, { to, cursor, limit: 50 });
    const rows = page.items.map(
      (m) =>
        html`<tr><td><a href="/console/inbox/${m.id}">${m.subject || '(no subject)'}</a></td><td>${m.to}</td><td>${when(m.capturedAt)}</td></tr>`,
    );
    const next = page.nextCursor
      ? html`<p class="pager"><a href="/console/inbox?${new URLSearchParams({ ...(to ? { to } : {}), cursor: page.nextCursor }).toString()}">Older mail</a></p>`
      : html``;
    const body = html`<p class="muted">Mail captured instead of delivered (<code>REVERIFY_SMTP_URL=capture:</code>). Its links are live: treat them as secrets.</p>
<form class="filters" method="get" action="/console/inbox" role="search" aria-label="Search the inbox">
<div><label for="f-to">Recipient</label><input id="f-to" name="to" type="search" value="${to ?? ''}" maxlength="254" autocomplete="off"></div>
<div><button type="submit">Search</button></div></form>
<h2>Newest first</h2>
${table('Captured mail', ['Subject', 'To', 'Received'], rows, to ? `No mail captured for ${to}.` : 'No mail captured yet.')}${next}`;
    return render(req, reply, { title: 'Inbox', section: 'inbox', body });
  });

  app.get<{ Params: { id: string } }>('/inbox/:id', async (req, reply) => {
    const m = await deps.messages.captured(sessionOf(req).principal, req.params.id);
    const links = mailLinks(m.html, m.text);
    const headers: [string, string][] = [
      ['From', m.from],
      ['To', m.to],
      ['Subject', m.subject],
      ['Message-ID', m.messageId],
      ...Object.entries(m.headers),
    ];
    const body = html`<dl class="facts">${joinHtml(headers.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`))}<dt>Received</dt><dd>${when(m.capturedAt)}</dd></dl>
<h2>Links</h2>
${links.length ? html`<ul>${joinHtml(links.map((l) => html`<li><a class="mono" href="${l}">${l}</a></li>`))}</ul>` : html`<p class="muted">No links.</p>`}
<h2>HTML</h2>
${m.html ? mailFrame(`/console/inbox/${m.id}/html`, 'The email as HTML (scripts and remote content blocked)') : html`<p class="muted">No HTML part.</p>`}
<h2>Text</h2>
<pre>${m.text}</pre>
<p><a href="/console/inbox">Back to the inbox</a></p>`;
    return render(req, reply, { title: m.subject || '(no subject)', section: 'inbox', body });
  });

  app.get<{ Params: { id: string } }>('/inbox/:id/html', { helmet: mailCsp }, async (req, reply) => {
    const m = await deps.messages.captured(sessionOf(req).principal, req.params.id);
    return reply.type('text/html; charset=utf-8').send(withNewTabLinks(m.html));
  });
};
