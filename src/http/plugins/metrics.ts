import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Authenticator } from '../../core/access/authenticator.js';
import { CoreError } from '../../core/errors.js';
import type { Metrics } from '../../runtime/metrics.js';

const bearer = (req: FastifyRequest): string | null => /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;

/** Counts every request by route pattern (never the raw URL, which may hold a token). */
export const requestMetrics = (metrics: Metrics) =>
  fp(async (app: FastifyInstance) => {
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched';
      metrics.requests.inc({ route, method: req.method, status: String(reply.statusCode) });
      metrics.latency.observe({ route }, reply.elapsedTime / 1000);
    });
  });

/**
 * `/metrics` in Prometheus' format, only with the metrics token or the admin token: counters move
 * with what callers do, so an open endpoint would tell strangers what their requests caused.
 */
export const metricsRoute = (metrics: Metrics, authenticator: Pick<Authenticator, 'metrics'>) => async (app: FastifyInstance) => {
  const refuse = (reply: FastifyReply, e: unknown) => {
    if (e instanceof CoreError && e.code === 'QUOTA_EXCEEDED') {
      const seconds = Math.max(1, Math.ceil((e.details.retryAfterMs ?? 1000) / 1000));
      return reply
        .code(429)
        .header('retry-after', String(seconds))
        .send({ error: { code: 'QUOTA_EXCEEDED', message: e.message } });
    }
    if (e instanceof CoreError)
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: { code: 'UNAUTHENTICATED', message: e.message } });
    throw e;
  };
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    try {
      await authenticator.metrics(bearer(req), req.ip);
    } catch (e) {
      return refuse(reply, e);
    }
    reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store');
    return metrics.registry.metrics();
  });
};
