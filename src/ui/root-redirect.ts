import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** A person's browser, not an RPC client: it asks for HTML and names no Alibaba action. */
const isBrowserVisit = (method: string, url: string, accept: string | undefined): boolean => {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const [path, query = ''] = url.split('?', 2) as [string, string?];
  if (path !== '/') return false;
  if (!accept || !/\btext\/html\b/i.test(accept)) return false;
  return !new URLSearchParams(query).has('Action');
};

/**
 * `GET /` sends browsers to the console. The root belongs to Alibaba's RPC dialect, so this is a
 * hook in front of it rather than a route: every RPC call (they carry `Action`) reaches the dialect
 * exactly as before, and so does anything that does not ask for HTML.
 */
export const rootRedirect = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', async (req, reply) => {
    if (isBrowserVisit(req.method, req.url, req.headers.accept)) return reply.redirect('/console', 303);
  });
});
