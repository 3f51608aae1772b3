import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { CoreError, type ErrorCode } from '../core/errors.js';
import { longDate } from '../core/long-date.js';
import type { ConfirmationPreview, ConfirmationPreviews } from '../core/verification/confirmation-preview.js';
import { wordsFor } from './confirm-words.js';
import { html, joinHtml, page, pageHeaders, type SafeHtml } from './page.js';
import { htmlSecurity } from './security-headers.js';

/** What each refusal tells the person holding the link: nothing about whose address it was. */
const refusals: Partial<Record<ErrorCode, { status: number; title: string; text: string }>> = {
  TOKEN_INVALID: {
    status: 404,
    title: 'Link not valid',
    text: 'This link is not valid. It may be incomplete, or a newer email may have replaced it.',
  },
  TOKEN_EXPIRED: { status: 410, title: 'Link expired', text: 'This link has expired. Ask for a new email and use the link in it.' },
  TOKEN_USED: { status: 409, title: 'Already confirmed', text: 'This link has already been used; nothing more needs to be done.' },
};

const tokenPattern = /^[A-Za-z0-9_-]{16,512}$/;

const refusalPage = (code: ErrorCode) => {
  const r = refusals[code] ?? refusals.TOKEN_INVALID!;
  return { status: r.status, body: page(r.title, html`<h1>${r.title}</h1><p>${r.text}</p>`) };
};

/** The page in the verification's own language: `lang` set for screen readers and fonts. */
const localPage = (locale: string, title: string, body: SafeHtml) =>
  page(title, body).replace('<html lang="en">', `<html lang="${locale.replace('_', '-')}">`);

/** Says what pressing the button confirms: the address, and for DCV the order, the domains and what approving means. */
const askPage = (p: ConfirmationPreview, token: string): string => {
  const { locale, words: w } = wordsFor(p.locale);
  const dcv = p.purpose === 'dcv';
  const title = w.heading[p.purpose];
  const what = dcv
    ? html`<p>${w.dcvRequest(p.orderNumber)}</p><ul>${joinHtml(p.domains.map((d) => html`<li><strong>${d}</strong></li>`))}</ul><p>${w.dcvMeaning(p.recipient)}</p>`
    : html`<p>${w.address(p.recipient)}</p>${p.purpose === 'smime_mailbox' && p.orderNumber ? html`<p>${w.smimeOrder(p.orderNumber)}</p>` : html``}`;
  return localPage(
    locale,
    title,
    html`<h1>${title}</h1>
${what}
<form method="post" action="/verify"><input type="hidden" name="token" value="${token}"><button type="submit">${dcv ? w.approve : w.confirm}</button></form>
<p class="note">${w.until(longDate(locale, p.expiresAt))}</p>
<p class="note">${w.note}</p>`,
  );
};

const donePage = (p: ConfirmationPreview): string => {
  const { locale, words: w } = wordsFor(p.locale);
  const done = p.purpose === 'dcv' ? w.approved : w.confirmed;
  const text = p.purpose === 'dcv' ? w.approved.text(p.domains.join(', ')) : w.confirmed.text(p.recipient);
  return localPage(locale, done.title, html`<h1>${done.title}</h1><p>${text}</p>`);
};

/** What the confirm page uses. */
export interface ConfirmPageDeps {
  confirmations: Pick<ConfirmationPreviews, 'preview' | 'confirm'>;
  logger: Logger;
}

/**
 * The page behind every email link, in the verification's language. GET only shows what would be
 * confirmed and a button; the confirmation is the POST it makes, so mail scanners that fetch links
 * never confirm on the recipient's behalf.
 */
export const confirmPage = (deps: ConfirmPageDeps) => async (app: FastifyInstance) => {
  await htmlSecurity(app);
  await app.register(formbody, { bodyLimit: 4096 });

  const attempt = async <T>(
    token: unknown,
    act: (t: string) => Promise<T>,
  ): Promise<{ ok: T } | { refused: ReturnType<typeof refusalPage> }> => {
    if (typeof token !== 'string' || !tokenPattern.test(token)) return { refused: refusalPage('TOKEN_INVALID') };
    try {
      return { ok: await act(token) };
    } catch (e) {
      if (e instanceof CoreError) return { refused: refusalPage(e.code) };
      throw e;
    }
  };

  app.get<{ Querystring: { token?: unknown } }>('/verify', async (req, reply) => {
    const result = await attempt(req.query.token, (t) => deps.confirmations.preview(t));
    reply.headers(pageHeaders);
    if ('refused' in result) return reply.code(result.refused.status).send(result.refused.body);
    return askPage(result.ok, String(req.query.token));
  });

  app.post<{ Body: { token?: unknown } | undefined }>('/verify', async (req, reply) => {
    const result = await attempt(req.body?.token, (t) => deps.confirmations.confirm(t, req.ip));
    reply.headers(pageHeaders);
    if ('refused' in result) return reply.code(result.refused.status).send(result.refused.body);
    return donePage(result.ok);
  });

  app.setErrorHandler((err, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === undefined || status >= 500) deps.logger.error({ err, reqId: req.id }, 'confirm page failed');
    const code = status !== undefined && status < 500 ? status : 500;
    reply.headers(pageHeaders).code(code);
    return page(
      'Something went wrong',
      html`<h1>Something went wrong</h1><p>${code < 500 ? 'The request was not understood.' : 'Please try again in a moment.'}</p>`,
    );
  });
};
