import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { CoreError, type ErrorCode } from '../core/errors.js';
import type { VerificationService } from '../core/verification/service.js';
import { html, page, pageHeaders } from './page.js';
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

/**
 * The page behind every email link. GET only shows a button; the confirmation is the POST it makes,
 * so mail scanners that fetch links never confirm on the recipient's behalf.
 */
/** What the confirm page uses. */
export interface ConfirmPageDeps {
  verifications: Pick<VerificationService, 'inspect' | 'confirm'>;
  logger: Logger;
}

export const confirmPage = (deps: ConfirmPageDeps) => async (app: FastifyInstance) => {
  await htmlSecurity(app);
  await app.register(formbody, { bodyLimit: 4096 });

  const outcome = async (token: unknown, act: (t: string) => Promise<unknown>) => {
    if (typeof token !== 'string' || !tokenPattern.test(token)) return refusalPage('TOKEN_INVALID');
    try {
      await act(token);
      return null;
    } catch (e) {
      if (e instanceof CoreError) return refusalPage(e.code);
      throw e;
    }
  };

  app.get<{ Querystring: { token?: unknown } }>('/verify', async (req, reply) => {
    const token = req.query.token;
    const refused = await outcome(token, (t) => deps.verifications.inspect(t));
    reply.headers(pageHeaders);
    if (refused) return reply.code(refused.status).send(refused.body);
    return page(
      'Confirm your email address',
      html`<h1>Confirm your email address</h1>
<p>Press the button to confirm this request.</p>
<form method="post" action="/verify"><input type="hidden" name="token" value="${String(token)}"><button type="submit">Confirm</button></form>
<p class="note">If you did not expect this email, close this page: nothing happens unless you press the button.</p>`,
    );
  });

  app.post<{ Body: { token?: unknown } | undefined }>('/verify', async (req, reply) => {
    const refused = await outcome(req.body?.token, (t) => deps.verifications.confirm(t, req.ip));
    reply.headers(pageHeaders);
    if (refused) return reply.code(refused.status).send(refused.body);
    return page('Confirmed', html`<h1>Confirmed</h1><p>Thank you: your email address is confirmed. You can close this page.</p>`);
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
