import type { FastifyInstance } from 'fastify';
import { may, type Principal } from '../../core/access/permissions.js';
import { CoreError } from '../../core/errors.js';
import { type Purpose, purposes, type VerificationState, verificationStates } from '../../core/model.js';
import type { SubjectKind } from '../../core/subjects/model.js';
import type { BounceRecord } from '../../core/suppressions/port.js';
import type { TimelineEntry } from '../../core/verification/timeline.js';
import { html, joinHtml, type SafeHtml } from '../page.js';
import { options, postButton, stateBadge, table } from './layout.js';
import { accountNames, queryText } from './list-inputs.js';
import { type ConsoleDeps, csrfToken, render, sessionOf } from './plugin.js';
import { timelineView } from './timeline-view.js';
import { duration, originNames, purposeNames, refusalReason, when } from './words.js';

interface ListQuery {
  state?: string;
  purpose?: string;
  account?: string;
  origin?: string;
  recipient?: string;
  cursor?: string;
}

const pick = <T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined =>
  allowed.includes(value as T) ? (value as T) : undefined;

/** Emails a bounce can have come back for, with the bounces that did. */
const bouncesOf = async (deps: ConsoleDeps, actor: Principal, entries: TimelineEntry[]): Promise<Map<string, BounceRecord[]>> => {
  const sent = entries.flatMap((e) =>
    e.kind === 'send' && e.message.channel === 'email' && (e.message.status === 'sent' || e.message.status === 'bounced')
      ? [e.message.id]
      : [],
  );
  const found = await Promise.all(sent.map(async (id) => [id, (await deps.messages.get(actor, id)).bounces] as const));
  return new Map(found.filter(([, b]) => b.length > 0));
};

export const verificationRoutes = (deps: ConsoleDeps) => async (app: FastifyInstance) => {
  app.get<{ Querystring: ListQuery }>('/verifications', async (req, reply) => {
    const actor = sessionOf(req).principal;
    const q = req.query;
    const state = pick<VerificationState>(q.state, verificationStates);
    const purpose = pick<Purpose>(q.purpose, purposes);
    const origin = pick(q.origin, Object.keys(originNames)) as SubjectKind | 'none' | undefined;
    const recipient = queryText(q.recipient, 254);
    const names = await accountNames(deps, actor);
    const accountRef = actor.kind === 'admin' ? queryText(q.account, 64) : undefined;
    let accountId: string | undefined;
    if (accountRef) accountId = (await deps.accounts.get(actor, accountRef).catch(() => null))?.id ?? 'unknown-account';
    const page = await deps.verifications.list(actor, {
      state,
      purpose,
      subjectKind: origin,
      recipient,
      accountId,
      cursor: queryText(q.cursor, 200),
      limit: 50,
    });
    const rows = page.items.map(
      (v) => html`<tr><td><a href="/console/verifications/${v.id}">${v.recipient}</a></td><td>${stateBadge(v.state)}</td>
<td>${purposeNames[v.purpose] ?? v.purpose}</td><td>${v.accountId ? (names.get(v.accountId) ?? v.accountId) : html`<span class="muted">none</span>`}</td>
<td>${when(v.createdAt)}</td><td>${String(v.sendCount)}</td><td>${when(v.lastSentAt)}</td></tr>`,
    );
    const accountFilter =
      actor.kind === 'admin'
        ? html`<div><label for="f-account">Account</label><select id="f-account" name="account"><option value="">Any</option>${options(
            [...names].map(([id, name]) => [id, name]),
            accountId ?? accountRef,
          )}</select></div>`
        : html``;
    const next = page.nextCursor
      ? html`<p class="pager"><a href="/console/verifications?${new URLSearchParams({
          ...Object.fromEntries(Object.entries(q).filter(([k, v]) => k !== 'cursor' && typeof v === 'string')),
          cursor: page.nextCursor,
        }).toString()}">Older verifications</a></p>`
      : html``;
    const body = html`<form class="filters" method="get" action="/console/verifications" role="search" aria-label="Filter verifications">
<div><label for="f-recipient">Recipient</label><input id="f-recipient" name="recipient" type="search" value="${recipient ?? ''}" maxlength="254" autocomplete="off"></div>
<div><label for="f-state">State</label><select id="f-state" name="state"><option value="">Any</option>${options(
      verificationStates.map((s) => [s, s]),
      state,
    )}</select></div>
<div><label for="f-purpose">Purpose</label><select id="f-purpose" name="purpose"><option value="">Any</option>${options(
      purposes.map((p) => [p, purposeNames[p] ?? p]),
      purpose,
    )}</select></div>
<div><label for="f-origin">Dialect</label><select id="f-origin" name="origin"><option value="">Any</option>${options(
      Object.entries(originNames),
      origin,
    )}</select></div>
${accountFilter}<div><button type="submit">Filter</button></div></form>
<h2 id="results">Newest first</h2>
${table('Verifications', ['Recipient', 'State', 'Purpose', 'Account', 'Created', 'Sends', 'Last sent'], rows, 'No verification matches these filters.')}
${next}`;
    return render(req, reply, { title: 'Verifications', section: 'verifications', body });
  });

  app.get<{ Params: { id: string }; Querystring: { notice?: string; refused?: string; retry?: string } }>(
    '/verifications/:id',
    async (req, reply) => {
      const actor = sessionOf(req).principal;
      const { verification: v, subject, entries, truncated } = await deps.timelines.timeline(actor, req.params.id);
      const names = await accountNames(deps, actor).catch(() => new Map<string, string>());
      const bounces = await bouncesOf(deps, actor, entries);
      const csrf = csrfToken(req, reply);
      const q = req.query;
      const retrySeconds = q.retry && /^\d{1,9}$/.test(q.retry) ? Number(q.retry) : null;
      const notice =
        q.notice === 'sent'
          ? { text: `Sent again: a new email to ${v.recipient} is queued.` }
          : q.notice === 'retried'
            ? { text: 'The failed email is queued again and will be sent shortly.' }
            : q.refused === 'suppressed'
              ? {
                  text: 'Not sent: mail to this address bounced, so it is on the suppression list. Lift it on the Suppressions page to send again.',
                  bad: true,
                }
              : q.refused !== undefined
                ? {
                    text: `Not sent: ${refusalReason(q.refused)}.${retrySeconds !== null ? ` Try again in ${duration(retrySeconds * 1000)}.` : ''}`,
                    bad: true,
                  }
                : null;
      const facts: [string, SafeHtml | string][] = [
        ['Recipient', v.recipient],
        ['State', stateBadge(v.state)],
        ['Purpose', purposeNames[v.purpose] ?? v.purpose],
        ['Locale', v.locale],
        ['Account', v.accountId ? (names.get(v.accountId) ?? v.accountId) : 'none'],
        [
          'Subject',
          subject ? `${originNames[subject.kind] ?? subject.kind}${subject.number ? ` ${subject.number}` : ''}, ${subject.state}` : 'none',
        ],
        ...(v.purpose === 'dcv' ? ([['Domains', v.scope.join(', ')]] as [string, string][]) : []),
        ['Created', when(v.createdAt)],
        ['Sends', String(v.sendCount)],
        ['Last sent', when(v.lastSentAt)],
        [v.state === 'expired' ? 'Expired' : 'Expires', when(v.expiresAt)],
        ...(v.confirmedAt ? ([['Confirmed', when(v.confirmedAt)]] as [string, SafeHtml][]) : []),
        ['Id', html`<span class="mono">${v.id}</span>`],
      ];
      const canResend = v.state === 'pending' && may(actor, 'send');
      const body = html`<dl class="facts">${joinHtml(facts.map(([k, val]) => html`<dt>${k}</dt><dd>${val}</dd>`))}</dl>
${canResend ? html`<p>${postButton(`/console/verifications/${v.id}/resend`, 'Resend', csrf)} <span class="muted">Sends the email again, within the same limits as every API.</span></p>` : html``}
<h2>Timeline</h2>
${timelineView(entries, csrf, may(actor, 'send'), bounces)}
${truncated ? html`<p class="muted">Older entries are not shown.</p>` : html``}
<p><a href="/console/verifications">All verifications</a></p>`;
      return render(req, reply, { title: v.recipient, section: 'verifications', body, notice });
    },
  );

  app.post<{ Params: { id: string } }>('/verifications/:id/resend', async (req, reply) => {
    const actor = sessionOf(req).principal;
    const back = `/console/verifications/${encodeURIComponent(req.params.id)}`;
    try {
      await deps.verifications.resend(actor, req.params.id, { ip: req.ip });
      return reply.redirect(`${back}?notice=sent`, 303);
    } catch (e) {
      if (e instanceof CoreError && e.code === 'RECIPIENT_SUPPRESSED') return reply.redirect(`${back}?refused=suppressed`, 303);
      if (!(e instanceof CoreError) || e.code !== 'QUOTA_EXCEEDED') throw e;
      const seconds = Math.max(1, Math.ceil((e.details.retryAfterMs ?? 1000) / 1000));
      return reply.redirect(`${back}?${new URLSearchParams({ refused: e.details.rule ?? 'quota', retry: String(seconds) })}`, 303);
    }
  });
};
