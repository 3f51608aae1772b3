import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { loadSettings } from '../../src/config/load.js';
import type { Settings } from '../../src/config/settings.js';
import type { Clock } from '../../src/core/clock.js';
import { buildApp } from '../../src/http/app.js';
import { createRuntime, type Runtime } from '../../src/runtime/create-runtime.js';
import { createLogger } from '../../src/runtime/logger.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestService {
  rt: Runtime;
  app: FastifyInstance;
  url: string;
  dir: string;
  /** The inbound SMTP port for bounces, when REVERIFY_BOUNCE_SMTP_PORT was set (0: any free one). */
  bouncePort: number | null;
  /** fetch against the service with the admin token (or `auth`), JSON in and out. */
  call(
    method: string,
    path: string,
    body?: unknown,
    auth?: string | null,
  ): Promise<{ status: number; headers: Headers; json: any; text: string }>;
  /** The Prometheus text of /metrics, read with the admin token. */
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/** A real service on 127.0.0.1 with its own SQLite file; the courier runs unless `courier: false`. */
export const startService = async (
  overrides: Partial<Settings> = {},
  options: { clock?: Clock; courier?: boolean; dir?: string; logger?: Logger; port?: number } = {},
): Promise<TestService> => {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'reverify-test-'));
  const settings: Settings = {
    ...loadSettings({ env: {} }),
    databaseUrl: `sqlite:${join(dir, 'reverify.db')}`,
    adminToken: ADMIN_TOKEN,
    secretKey: 'test-secret-key-0123456789abcdef0123456789',
    logLevel: 'silent',
    port: 0,
    courierRetryBaseMs: 20,
    courierRetryMaxMs: 200,
    courierPollMs: 50,
    requestWorkerTickMs: 20,
    ...overrides,
  };
  const rt = await createRuntime(settings, { logger: options.logger ?? createLogger(settings.logLevel), clock: options.clock });
  const app = await buildApp(rt);
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const bouncePort = await rt.startBounceIntake();
  if (options.courier !== false) {
    rt.courier.start();
    rt.requestWorker.start();
  }
  return {
    rt,
    app,
    url,
    dir,
    bouncePort,
    async call(method, path, body, auth = ADMIN_TOKEN) {
      const headers: Record<string, string> = {};
      if (auth) headers.authorization = `Bearer ${auth}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url + path, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {}
      return { status: res.status, headers: res.headers, json, text };
    },
    async metrics() {
      return (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    },
    async close() {
      await app.close();
      await rt.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** A port free right now on 127.0.0.1, for a service whose public URL must be known before it starts. */
export const freePort = async (): Promise<number> => {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
};

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private t = Date.UTC(2026, 0, 1, 12)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
