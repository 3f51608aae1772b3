import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ConsoleSession, ConsoleSessions } from '../../core/access/console-sessions.js';
import type { AccountService } from '../../core/accounts/service.js';
import type { ActivityStats } from '../../core/activity/service.js';
import { CoreError } from '../../core/errors.js';
import type { FaultRegistry } from '../../core/faults/registry.js';
import type { MessageRetries } from '../../core/messages/retry.js';
import type { MessageQueries } from '../../core/messages/service.js';
import type { SuppressionService } from '../../core/suppressions/service.js';
import type { TemplateService } from '../../core/templates/service.js';
import type { VerificationService } from '../../core/verification/service.js';
import type { VerificationTimelines } from '../../core/verification/timeline.js';
import type { WebhookService } from '../../core/webhooks/service.js';
import { html } from '../page.js';
import { htmlSecurity } from '../security-headers.js';
import { accountRoutes } from './accounts.js';
import { consoleCss, consoleJs } from './assets.js';
import { inboxRoutes } from './inbox.js';
import { consolePage, landingOf, type View } from './layout.js';
import { messagePageRoutes } from './message-page.js';
import { messageRoutes } from './messages.js';
import { overviewRoutes } from './overview.js';
import { sandboxRoutes } from './sandbox.js';
import { signInRoutes } from './sign-in.js';
import { suppressionRoutes } from './suppressions.js';
import { templateRoutes } from './templates.js';
import { verificationRoutes } from './verifications.js';
import { webhookRoutes } from './webhooks.js';

/** What the console uses: core services only. */
export interface ConsoleDeps {
  sessions: Pick<ConsoleSessions, 'signIn' | 'open' | 'signOut'>;
  verifications: Pick<VerificationService, 'list' | 'get' | 'resend'>;
  timelines: Pick<VerificationTimelines, 'timeline'>;
  messages: Pick<MessageQueries, 'list' | 'get' | 'inbox' | 'captured'>;
  activity: Pick<ActivityStats, 'lastDay' | 'queue'>;
  retries: Pick<MessageRetries, 'retry'>;
  accounts: Pick<
    AccountService,
    'list' | 'get' | 'create' | 'listApiKeys' | 'createApiKey' | 'revokeApiKey' | 'listAccessKeys' | 'createAccessKey' | 'revokeAccessKey'
  >;
  webhooks: Pick<WebhookService, 'create' | 'list' | 'get' | 'delete' | 'deliveries'>;
  suppressions: Pick<SuppressionService, 'list' | 'lift'>;
  templates: Pick<TemplateService, 'preview'>;
  logger: Logger;
  /** Sandbox mode only: fault injection. */
  faults: Pick<FaultRegistry, 'add' | 'list' | 'clear'> | null;
  /** Key for CSRF tokens (derived from the server key by the caller). */
  csrfKey: Buffer;
}

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession: ConsoleSession | null;
  }
  interface FastifyContextConfig {
    /** A console route served without a session (sign-in, the stylesheet). */
    consolePublic?: boolean;
  }
}

export const SESSION_COOKIE = 'reverify_console';
const COOKIE_PATH = '/console';

/** Binds CSRF tokens to the session they were issued in (before sign-in: to no session). */
const userInfo = (req: FastifyRequest) => req.consoleSession?.id ?? 'signed-out';

/** Renders a console page, with a fresh CSRF token for its forms. */
export const render = (req: FastifyRequest, reply: FastifyReply, view: Omit<View, 'session' | 'csrf'>, status = 200) =>
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(
      consolePage({
        ...view,
        sandbox: (req.server as { reverifySandbox?: boolean }).reverifySandbox === true,
        session: req.consoleSession,
        csrf: csrfToken(req, reply),
      }),
    );

const issued = new WeakMap<FastifyRequest, string>();

/** One token per response: a second `generateCsrf` in the same request would set a second secret cookie. */
export const csrfToken = (req: FastifyRequest, reply: FastifyReply): string => {
  let token = issued.get(req);
  if (token === undefined) {
    token = reply.generateCsrf({ userInfo: userInfo(req) });
    issued.set(req, token);
  }
  return token;
};

/** The signed-in session; routes behind `requireSession` always have one. */
export const sessionOf = (req: FastifyRequest): ConsoleSession => {
  if (!req.consoleSession) throw new CoreError('UNAUTHENTICATED');
  return req.consoleSession;
};

export const setSessionCookie = (reply: FastifyReply, value: string, expiresAt: number) =>
  reply.setCookie(SESSION_COOKIE, value, {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure: 'auto',
    expires: new Date(expiresAt),
  });

export const clearSessionCookie = (reply: FastifyReply) =>
  reply.clearCookie(SESSION_COOKIE, { path: COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: 'auto' });

const statusOf = (code: string): number => {
  if (code === 'FORBIDDEN') return 403;
  if (code.endsWith('_NOT_FOUND') || code === 'TOKEN_INVALID') return 404;
  if (code === 'QUOTA_EXCEEDED') return 429;
  if (code === 'UNAUTHENTICATED') return 401;
  if (code.startsWith('VERIFICATION_') || code.endsWith('_EXISTS') || code === 'CONCURRENT_UPDATE') return 409;
  return 400;
};

const problemText: Record<number, string> = {
  400: 'The request was not understood.',
  403: 'Your credentials do not allow this. Sign in with the admin token or a key whose role allows it.',
  404: 'There is nothing here, or it belongs to another account.',
  409: 'This cannot be done in the current state.',
};

/**
 * The console (`/console`): server-rendered pages over the core services, signed in with the admin
 * token or an account API key. Every form carries a CSRF token bound to the session; the session
 * cookie is HttpOnly, SameSite=Strict, Secure under HTTPS, and expires.
 */
export const consolePlugin = (deps: ConsoleDeps) => async (app: FastifyInstance) => {
  await htmlSecurity(app, { scripts: true, frames: true });
  await app.register(formbody, { bodyLimit: 16_384 });
  await app.register(cookie);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'reverify_csrf',
    cookieOpts: { path: COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: 'auto' },
    getUserInfo: userInfo,
    csrfOpts: { hmacKey: deps.csrfKey },
  });
  app.decorateRequest('consoleSession', null);
  app.addHook('onRequest', async (req) => {
    req.consoleSession = await deps.sessions.open(req.cookies[SESSION_COOKIE]);
  });
  // Signed-out visitors are sent to the sign-in page; nothing else is served to them.
  app.addHook('preHandler', async (req, reply) => {
    if (req.consoleSession || req.routeOptions.config.consolePublic) return;
    if (req.method === 'GET') return reply.redirect(`/console/sign-in`, 303);
    return render(
      req,
      reply,
      { title: 'Signed out', body: html`<p>Your session has ended. <a href="/console/sign-in">Sign in</a> again.</p>` },
      401,
    );
  });
  // Every form POST is checked; the body has been parsed by now.
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method !== 'POST') return done();
    app.csrfProtection(req, reply, done);
  });

  // Set before the routes are registered: child plugins take the handlers in force when they register.
  app.setNotFoundHandler((req, reply) =>
    render(req, reply, { title: 'Not found', body: html`<p>${problemText[404]!} <a href="/console">Back to the console</a>.</p>` }, 404),
  );
  app.setErrorHandler((err, req, reply) => {
    const code = (err as { code?: string }).code ?? '';
    let status = err instanceof CoreError ? statusOf(err.code) : ((err as { statusCode?: number }).statusCode ?? 500);
    if (status >= 500) deps.logger.error({ err, reqId: req.id }, 'console page failed');
    if (status === 401) return reply.redirect('/console/sign-in', 303);
    if (status > 500) status = 500;
    const text = code.startsWith('FST_CSRF')
      ? 'This form has expired or did not come from this console. Go back, reload the page and try again.'
      : err instanceof CoreError && (status === 409 || err.code === 'VALIDATION_FAILED')
        ? err.message
        : (problemText[status] ?? 'Something went wrong. Please try again in a moment.');
    const title = status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : status >= 500 ? 'Something went wrong' : 'Cannot do that';
    return render(req, reply, { title, body: html`<p>${text}</p><p><a href="/console">Back to the console</a></p>` }, status);
  });

  app.get('/assets/console.css', { config: { consolePublic: true } }, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').send(consoleCss),
  );
  app.get('/assets/console.js', { config: { consolePublic: true } }, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(consoleJs),
  );
  app.get('/', async (req, reply) => reply.redirect(landingOf(req.consoleSession?.principal), 303));

  // Every console page of a sandbox links to the fault-injection page (the decoration is inherited by the route plugins).
  app.decorate('reverifySandbox', deps.faults !== null);
  await app.register(signInRoutes(deps));
  await app.register(overviewRoutes(deps));
  await app.register(verificationRoutes(deps));
  await app.register(messageRoutes(deps));
  await app.register(messagePageRoutes(deps));
  await app.register(inboxRoutes(deps));
  await app.register(accountRoutes(deps));
  await app.register(webhookRoutes(deps));
  await app.register(suppressionRoutes(deps));
  await app.register(templateRoutes(deps));
  if (deps.faults) {
    await app.register(sandboxRoutes(deps.faults));
  }
};
