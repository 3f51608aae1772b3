import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime/create-runtime.js';
import { buildApp, buildMetricsApp } from './app.js';

export interface RunningServer {
  app: FastifyInstance;
  /** The separate `/metrics` listener, when REVERIFY_METRICS_ADDRESS is set. */
  metrics: FastifyInstance | null;
  close(): Promise<void>;
}

const hostAndPort = (address: string): { host: string; port: number } => {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) };
};

/** Builds the app, serves it (HTTPS when a certificate is configured) and starts the courier. */
export const startServer = async (rt: Runtime): Promise<RunningServer> => {
  const { settings } = rt;
  const https = settings.tlsCert && settings.tlsKey ? { cert: readFileSync(settings.tlsCert), key: readFileSync(settings.tlsKey) } : null;
  if ((settings.tlsCert === null) !== (settings.tlsKey === null))
    throw new Error('REVERIFY_TLS_CERT: and REVERIFY_TLS_KEY must be set together');
  const app = await buildApp(rt, { https });
  await app.listen({ host: settings.host, port: settings.port });
  let metrics: FastifyInstance | null = null;
  if (settings.metricsAddress) {
    metrics = await buildMetricsApp(rt);
    await metrics.listen(hostAndPort(settings.metricsAddress));
  }
  await rt.startBounceIntake();
  rt.startBackground();
  return {
    app,
    metrics,
    async close() {
      await app.close();
      await metrics?.close();
    },
  };
};
