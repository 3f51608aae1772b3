import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { akanaDialect } from '../dialects/akana/plugin.js';
import { alibabaDialect } from '../dialects/alibaba/plugin.js';
import { digicertDialect } from '../dialects/digicert/plugin.js';
import { openapiTransform } from '../dialects/native/openapi-responses.js';
import { nativeDialect } from '../dialects/native/plugin.js';
import { sectigoDialect } from '../dialects/sectigo/plugin.js';
import type { Runtime } from '../runtime/create-runtime.js';
import { confirmPage } from '../ui/confirm-page.js';
import { consolePlugin } from '../ui/console/plugin.js';
import { docsPages } from '../ui/docs-page.js';
import { rootRedirect } from '../ui/root-redirect.js';
import { onClientError, onFrameworkError, registerFrameworkErrors } from './framework-errors.js';
import { bodyDeadline } from './plugins/body-deadline.js';
import { faultInjection } from './plugins/fault-injection.js';
import { healthRoutes } from './plugins/health.js';
import { metricsRoute, requestMetrics } from './plugins/metrics.js';

export interface AppOptions {
  https?: { cert: string | Buffer; key: string | Buffer } | null;
}

/** The whole HTTP surface, built without listening (tests use inject or listen on port 0). Each plugin gets only the services it uses. */
export const buildApp = async (rt: Runtime, options: AppOptions = {}): Promise<FastifyInstance> => {
  const { settings } = rt;
  const app = Fastify({
    loggerInstance: rt.logger,
    bodyLimit: settings.bodyLimit,
    trustProxy: settings.trustedProxies.length > 0 ? settings.trustedProxies : false,
    // A body must arrive whole within this time: slow senders cannot hold connections open for ever.
    requestTimeout: settings.requestTimeout * 1000,
    // Per-request lines only at debug: at info, one line per request would dominate the log.
    logController: new LogController({ disableRequestLogging: settings.logLevel !== 'debug' && settings.logLevel !== 'trace' }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    // Refusals before routing, malformed requests and requests during shutdown: each dialect's own format.
    frameworkErrors: onFrameworkError,
    clientErrorHandler: onClientError,
    return503OnClosing: false,
    // A DNS name (DigiCert's `/domain/{fqdn}`) may have 253 characters, more once percent-encoded.
    routerOptions: { maxParamLength: 512 },
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;
  registerFrameworkErrors(app);

  await app.register(bodyDeadline(settings.requestTimeout * 1000));
  await app.register(requestMetrics(rt.metrics));
  await app.register(rootRedirect);
  if (!settings.metricsAddress) await app.register(metricsRoute(rt.metrics, rt.authenticator));
  if (rt.faults) await app.register(faultInjection(rt.faults, rt.accounts));
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Reverify native API', version: '1', description: 'Verification emails: create, send, resend, confirm, expire.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: openapiTransform as never,
  });
  await app.register(
    nativeDialect({
      authenticator: rt.authenticator,
      verifications: rt.verifications,
      subjects: rt.subjects,
      accounts: rt.accounts,
      messages: rt.messages,
      webhooks: rt.webhooks,
      suppressions: rt.suppressions,
      bounces: rt.bounces,
      templates: rt.templates,
      bounceMaxBytes: settings.bounceMaxBytes,
      logger: rt.logger,
      faults: rt.faults,
    }),
    { prefix: '/v1' },
  );
  await app.register(
    sectigoDialect({
      authenticator: rt.authenticator,
      logins: rt.logins,
      mailboxes: rt.mailboxes,
      dcv: rt.dcv,
      requireHttps: settings.requireHttps,
    }),
    { prefix: '/products' },
  );
  await app.register(digicertDialect({ authenticator: rt.authenticator, dcv: rt.dcv, subjects: rt.subjects }), { prefix: '/services/v2' });
  await app.register(
    alibabaDialect({
      authenticator: rt.authenticator,
      accounts: rt.accounts,
      replayGuard: rt.replayGuard,
      identities: rt.identities,
      verifications: rt.verifications,
      clock: rt.clock,
    }),
  );
  await app.register(akanaDialect({ signups: rt.signups, anonymous: rt.anonymous }), { prefix: '/api/users' });
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(confirmPage({ confirmations: rt.confirmations, logger: rt.logger }));
  await app.register(docsPages);
  await app.register(
    consolePlugin({
      sessions: rt.consoleSessions,
      verifications: rt.verifications,
      timelines: rt.timelines,
      messages: rt.messages,
      activity: rt.activity,
      retries: rt.retries,
      accounts: rt.accounts,
      webhooks: rt.webhooks,
      suppressions: rt.suppressions,
      templates: rt.templates,
      logger: rt.logger,
      faults: rt.faults,
      csrfKey: rt.consoleSessions.csrfKey,
    }),
    { prefix: '/console' },
  );
  await app.register(healthRoutes(rt));
  return app;
};

/** A listener for `/metrics` alone (REVERIFY_METRICS_ADDRESS), still behind the metrics or admin token. */
export const buildMetricsApp = async (rt: Runtime): Promise<FastifyInstance> => {
  const app = Fastify({
    loggerInstance: rt.logger,
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;
  await app.register(metricsRoute(rt.metrics, rt.authenticator));
  return app;
};
