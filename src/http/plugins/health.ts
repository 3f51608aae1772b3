import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime/create-runtime.js';

export const healthRoutes = (rt: Runtime) => async (app: FastifyInstance) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const ready = await rt.store.health.ready().catch(() => false);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
};
