import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Runtime } from '../../runtime/create-runtime.js';

/** Counts every request by route pattern (never the raw URL, which may hold a token) and serves /metrics. */
export const metricsPlugin = (rt: Runtime) =>
  fp(async (app: FastifyInstance) => {
    app.addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched';
      rt.metrics.requests.inc({ route, method: req.method, status: String(reply.statusCode) });
      rt.metrics.latency.observe({ route }, reply.elapsedTime / 1000);
    });
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      reply.header('content-type', rt.metrics.registry.contentType);
      return rt.metrics.registry.metrics();
    });
  });
