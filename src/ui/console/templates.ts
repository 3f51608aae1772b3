import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../core/access/permissions.js';
import { CoreError } from '../../core/errors.js';
import { type Purpose, purposes } from '../../core/model.js';
import type { RenderedPreview } from '../../core/templates/port.js';
import { isLocale } from '../../core/verification/locales.js';
import { confirmWords } from '../confirm-words.js';
import { html, joinHtml, type SafeHtml } from '../page.js';
import { options } from './layout.js';
import { mailCsp, mailFrame, withNewTabLinks } from './mail-frame.js';
import { type ConsoleDeps, render, sessionOf } from './plugin.js';
import { purposeNames } from './words.js';

interface PreviewQuery {
  purpose?: string;
  locale?: string;
  account?: string;
  set?: string;
}

/** The query as the core's preview takes it: the first purpose, in English, until one is chosen. */
const previewInput = (actor: Principal, q: PreviewQuery) => {
  const purpose = purposes.includes(q.purpose as Purpose) ? (q.purpose as Purpose) : 'email_ownership';
  const locale = typeof q.locale === 'string' && q.locale.trim() !== '' ? q.locale.trim().slice(0, 20) : 'en';
  const account = actor.kind === 'admin' && typeof q.account === 'string' && q.account !== '' ? q.account.slice(0, 64) : undefined;
  const set = typeof q.set === 'string' && q.set.trim() !== '' ? q.set.trim().slice(0, 32) : undefined;
  return { purpose, locale, account, set };
};
type PreviewInput = ReturnType<typeof previewInput>;

const queryOf = (input: PreviewInput): string =>
  new URLSearchParams(Object.entries(input).filter((e): e is [string, string] => e[1] !== undefined)).toString();

/** The core renders, and decides who may; a malformed locale is refused here rather than shown in English without a word. */
const preview = async (deps: ConsoleDeps, actor: Principal, input: PreviewInput): Promise<RenderedPreview> => {
  if (!isLocale(input.locale))
    throw new CoreError('VALIDATION_FAILED', { field: 'locale' }, 'The locale is not one (write it as de, pt-BR or zh_CN).');
  return deps.templates.preview(actor, input);
};

const shown = (input: PreviewInput, r: RenderedPreview): SafeHtml =>
  html`<h2>Subject</h2><p class="subject">${r.subject}</p>
<p class="muted">Rendered with sample values (the link is not a real one)${
    r.locale !== input.locale ? `; no template in ${input.locale}, so the ${r.locale} one is shown` : ` in ${r.locale}`
  }.</p>
<h2>HTML</h2>
${mailFrame(`/console/templates/preview.html?${queryOf(input)}`, 'The email as HTML (scripts and remote content blocked)')}
<h2>Text</h2>
<pre>${r.text}</pre>`;

/** The mail a purpose and locale sends (the account's templates in force), rendered with sample values. */
export const templateRoutes = (deps: ConsoleDeps) => async (app: FastifyInstance) => {
  app.get<{ Querystring: PreviewQuery }>('/templates', async (req, reply) => {
    const actor = sessionOf(req).principal;
    let outcome: SafeHtml = html``;
    let notice: { text: string; bad: true } | null = null;
    const input = previewInput(actor, req.query);
    try {
      outcome = shown(input, await preview(deps, actor, input));
    } catch (e) {
      if (!(e instanceof CoreError) || (e.code !== 'VALIDATION_FAILED' && e.code !== 'ACCOUNT_NOT_FOUND')) throw e;
      notice = { text: e.code === 'ACCOUNT_NOT_FOUND' ? 'There is no such account.' : e.message, bad: true };
    }
    const accounts =
      actor.kind === 'admin'
        ? html`<div><label for="t-account">Account</label><select id="t-account" name="account"><option value="">None (the templates for everyone)</option>${options(
            (await deps.accounts.list(actor, undefined, 200)).items.map((a) => [a.id, a.name]),
            input.account,
          )}</select></div>`
        : html``;
    const body = html`<p class="muted">What recipients get: the templates in force (the operator's templates directory, per account where it has a set, else Reverify's), with sample values.</p>
<form class="filters" method="get" action="/console/templates" aria-label="Choose a template">
<div><label for="t-purpose">Purpose</label><select id="t-purpose" name="purpose">${options(
      purposes.map((p) => [p, purposeNames[p] ?? p]),
      input.purpose,
    )}</select></div>
<div><label for="t-locale">Locale</label><input id="t-locale" name="locale" list="t-locales" value="${input.locale}" maxlength="20" size="8" autocomplete="off" spellcheck="false">
<datalist id="t-locales">${joinHtml(
      Object.keys(confirmWords).map((l) => html`<option value="${l}"></option>`),
      '',
    )}</datalist></div>
${accounts}<div><label for="t-set">Template set (optional)</label><input id="t-set" name="set" value="${input.set ?? ''}" maxlength="32" size="10" autocomplete="off" spellcheck="false"></div>
<div><button type="submit">Preview</button></div></form>
${outcome}`;
    return render(req, reply, { title: 'Template preview', section: 'templates', body, notice }, notice ? 400 : 200);
  });

  app.get<{ Querystring: PreviewQuery }>('/templates/preview.html', { helmet: mailCsp }, async (req, reply) => {
    const actor = sessionOf(req).principal;
    const result = await preview(deps, actor, previewInput(actor, req.query));
    return reply.type('text/html; charset=utf-8').send(withNewTabLinks(result.html));
  });
};
