import type { ConsoleSession } from '../../core/access/console-sessions.js';
import { may } from '../../core/access/permissions.js';
import { escapeHtml } from '../../lib/escape-html.js';
import { html, joinHtml, type SafeHtml } from '../page.js';

export type Section = 'overview' | 'verifications' | 'messages' | 'suppressions' | 'inbox' | 'templates' | 'accounts' | 'sandbox';

export interface View {
  title: string;
  body: SafeHtml;
  session: ConsoleSession | null;
  csrf: string;
  section?: Section;
  /** The service runs as a sandbox: the fault-injection page exists. */
  sandbox?: boolean;
  /** A message about the last action, shown above the page. */
  notice?: { text: string; bad?: boolean } | null;
}

/** Where a session starts: the overview, or its keys for a key that may only manage keys. */
export const landingOf = (p: ConsoleSession['principal'] | undefined): string =>
  !p || may(p, 'read') || p.kind !== 'account' ? '/console/overview' : `/console/accounts/${p.accountId}`;

/** The hidden field every console form carries. */
export const csrfField = (csrf: string): SafeHtml => html`<input type="hidden" name="_csrf" value="${csrf}">`;

/** A one-button form that POSTs (Resend, Retry, Revoke, Sign out). */
export const postButton = (
  action: string,
  label: string,
  csrf: string,
  options: { className?: string; name?: string; fields?: Record<string, string> } = {},
): SafeHtml =>
  html`<form class="inline" method="post" action="${action}">${csrfField(csrf)}${joinHtml(
    Object.entries(options.fields ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`),
    '',
  )}<button type="submit" class="${options.className ?? ''}"${
    options.name ? html` aria-label="${options.name}"` : ''
  }>${label}</button></form>`;

const nav = (session: ConsoleSession, current: Section | undefined, sandbox = false): SafeHtml => {
  const p = session.principal;
  const items: [Section, string, string][] = [];
  if (may(p, 'read')) {
    items.push(['overview', '/console/overview', 'Overview']);
    items.push(['verifications', '/console/verifications', 'Verifications']);
    items.push(['messages', '/console/messages', 'Messages']);
    items.push(['suppressions', '/console/suppressions', 'Suppressions']);
  }
  if (may(p, 'read_mail')) items.push(['inbox', '/console/inbox', 'Inbox']);
  if (may(p, 'read')) items.push(['templates', '/console/templates', 'Templates']);
  if (p.kind === 'admin') items.push(['accounts', '/console/accounts', 'Accounts']);
  else if (may(p, 'manage_keys') || may(p, 'read')) items.push(['accounts', `/console/accounts/${p.accountId}`, 'Account']);
  if (sandbox && p.kind === 'admin') items.push(['sandbox', '/console/sandbox', 'Sandbox']);
  return joinHtml(
    items.map(([key, href, label]) => html`<li><a href="${href}"${key === current ? html` aria-current="page"` : ''}>${label}</a></li>`),
  );
};

/** Every console page: a skip link, the navigation, who is signed in, the page. */
export const consolePage = (v: View): string => {
  const header = v.session
    ? html`<header class="top"><a class="brand" href="/console">Reverify</a>
<nav aria-label="Console"><ul>${nav(v.session, v.section, v.sandbox)}</ul></nav>
<div class="who"><span>Signed in: ${v.session.label}</span>
<form class="inline" method="post" action="/console/sign-out">${csrfField(v.csrf)}<button type="submit">Sign out</button></form></div></header>`
    : html`<header class="top"><a class="brand" href="/console">Reverify</a></header>`;
  const notice = v.notice ? html`<p class="notice${v.notice.bad ? ' bad' : ''}" role="status">${v.notice.text}</p>` : html``;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(v.title)} · Reverify console</title>
<link rel="stylesheet" href="/console/assets/console.css"><script src="/console/assets/console.js" defer></script></head>
<body><a class="skip" href="#main">Skip to content</a>
${header.value}
<main id="main"><h1>${escapeHtml(v.title)}</h1>
${notice.value}${v.body.value}</main></body></html>`;
};

/** A table that scrolls sideways on a narrow screen, reachable by keyboard. */
export const table = (label: string, head: string[], rows: SafeHtml[], empty = 'Nothing to show.'): SafeHtml =>
  rows.length === 0
    ? html`<p class="muted">${empty}</p>`
    : html`<div class="table" role="region" aria-label="${label}" tabindex="0"><table><thead><tr>${joinHtml(
        head.map((h) => html`<th scope="col">${h}</th>`),
        '',
      )}</tr></thead><tbody>${joinHtml(rows)}</tbody></table></div>`;

export const stateBadge = (state: string): SafeHtml => html`<span class="state state-${state}">${state}</span>`;

/** `<option>`s with one selected. */
export const options = (choices: [string, string][], selected: string | undefined): SafeHtml =>
  joinHtml(choices.map(([value, label]) => html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`));
