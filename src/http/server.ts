import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime/create-runtime.js';
import { buildApp } from './app.js';

/** Builds the app, serves it (HTTPS when a certificate is configured) and starts the courier. */
export const startServer = async (rt: Runtime): Promise<FastifyInstance> => {
  const { settings } = rt;
  const https = settings.tlsCert && settings.tlsKey ? { cert: readFileSync(settings.tlsCert), key: readFileSync(settings.tlsKey) } : null;
  if ((settings.tlsCert === null) !== (settings.tlsKey === null))
    throw new Error('REVERIFY_TLS_CERT: and REVERIFY_TLS_KEY must be set together');
  const app = await buildApp(rt, { https });
  await app.listen({ host: settings.host, port: settings.port });
  rt.startBackground();
  return app;
};
