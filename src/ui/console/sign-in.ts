import type { FastifyInstance } from 'fastify';
import { CoreError } from '../../core/errors.js';
import { html } from '../page.js';
import { csrfField, landingOf } from './layout.js';
import { type ConsoleDeps, clearSessionCookie, csrfToken, render, sessionOf, setSessionCookie } from './plugin.js';
import { duration } from './words.js';

const form = (csrf: string) => html`<form class="stack" method="post" action="/console/sign-in">${csrfField(csrf)}
<div><label for="secret">Admin token or API key</label>
<input id="secret" name="secret" type="password" autocomplete="current-password" required maxlength="512" spellcheck="false" aria-describedby="secret-help"></div>
<p id="secret-help" class="muted">The operator's admin token sees every account; an account's API key sees only its own account, with what its role allows.</p>
<div><button type="submit">Sign in</button></div></form>`;

/** Sign-in and sign-out. Failures go through the core authenticator, which throttles them per client. */
export const signInRoutes = (deps: ConsoleDeps) => async (app: FastifyInstance) => {
  const publicRoute = { config: { consolePublic: true } };

  app.get('/sign-in', publicRoute, async (req, reply) => {
    if (req.consoleSession) return reply.redirect(landingOf(req.consoleSession.principal), 303);
    return render(req, reply, { title: 'Sign in', body: form(csrfToken(req, reply)) });
  });

  app.post<{ Body: { secret?: unknown } }>('/sign-in', publicRoute, async (req, reply) => {
    const secret = typeof req.body?.secret === 'string' ? req.body.secret : '';
    try {
      const { cookie, session } = await deps.sessions.signIn(secret, req.ip);
      setSessionCookie(reply, cookie, session.expiresAt);
      return reply.redirect(landingOf(session.principal), 303);
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      const throttled = e.code === 'QUOTA_EXCEEDED';
      const text = throttled
        ? `Too many failed sign-ins from this address. Try again in ${duration(e.details.retryAfterMs ?? 60_000)}.`
        : 'That is not a valid admin token or API key.';
      return render(
        req,
        reply,
        { title: 'Sign in', body: form(csrfToken(req, reply)), notice: { text, bad: true } },
        throttled ? 429 : 401,
      );
    }
  });

  app.post('/sign-out', async (req, reply) => {
    await deps.sessions.signOut(sessionOf(req));
    clearSessionCookie(reply);
    req.consoleSession = null;
    return render(req, reply, {
      title: 'Signed out',
      body: html`<p>You are signed out. <a href="/console/sign-in">Sign in</a> again.</p>`,
    });
  });
};
