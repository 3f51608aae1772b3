import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The headers every HTML page of Reverify carries (helmet): a strict CSP (no script unless a page
 * asks for its own, no framing), nosniff, no referrer, no caching of pages that may show a token.
 * Registered inside each page plugin, so the vendor APIs' wire answers keep their exact headers.
 */
export const htmlSecurity = async (app: FastifyInstance, options: { scripts?: boolean; frames?: boolean } = {}) => {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: options.scripts ? ["'self'"] : ["'none'"],
        connectSrc: ["'self'"],
        // Only the console frames anything: a captured email's HTML, from its own sandboxed URL.
        frameSrc: options.frames ? ["'self'"] : ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
  });
};
