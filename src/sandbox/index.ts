import { createServer } from 'node:net';
import type { Settings } from '../config/settings.js';
import { defaults } from '../config/settings.js';
import { OPERATOR } from '../core/access/permissions.js';
import type { Fault, FaultSpec } from '../core/faults/registry.js';
import type { CapturedMail } from '../core/inbox/service.js';
import { randomToken } from '../core/secrets.js';
import { linksOf } from '../dialects/native/mapper.js';
import { seedFixture } from '../fixtures/load-fixtures.js';
import { loadSandbox, SANDBOX_CREDENTIALS } from '../fixtures/sandbox.js';
import { buildApp } from '../http/app.js';
import { createRuntime } from '../runtime/create-runtime.js';
import { createLogger } from '../runtime/logger.js';

export type { Fault, FaultSpec } from '../core/faults/registry.js';
export type { CapturedMail } from '../core/inbox/service.js';

export interface SandboxOptions {
  /** A fixture (the fixture file's format) loaded after the built-in one. */
  fixture?: unknown;
  /** Load the built-in fixture made from the vendors' samples (default true). */
  builtIn?: boolean;
  /** Any setting, by its config-file name (e.g. `{ resendCooldown: 0 }`). */
  settings?: Partial<Settings>;
  /** Listen port on 127.0.0.1; a free one by default. */
  port?: number;
}

export interface SandboxInbox {
  /** Captured mail, newest first, optionally only to one address. */
  list(filter?: { to?: string }): Promise<CapturedMail[]>;
  /**
   * The next mail to `to`: the oldest one no earlier `waitFor` returned (and captured at or after
   * `since`, when given), waiting up to `timeout` ms (default 5000) for it.
   */
  waitFor(to: string, options?: { timeout?: number; since?: number }): Promise<CapturedMail>;
  /** The confirmation link in a captured mail. */
  linkIn(mail: CapturedMail): string;
}

export interface Sandbox {
  url: string;
  adminToken: string;
  /** The credentials of the built-in fixture's account (the seeds' samples use them). */
  credentials: typeof SANDBOX_CREDENTIALS;
  inbox: SandboxInbox;
  faults: {
    add(spec: FaultSpec): Fault;
    list(): Fault[];
    clear(id?: string): number;
  };
  close(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

/**
 * The whole service for a test suite: on 127.0.0.1, an in-memory SQLite store, mail captured, sandbox
 * mode (fault injection), the built-in fixture and yours. Each call is its own service with its own
 * data, so many can run in parallel in one process.
 */
export const startSandbox = async (options: SandboxOptions = {}): Promise<Sandbox> => {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const adminToken = `rva_${randomToken(24)}`;
  const settings: Settings = {
    ...defaults,
    host: '127.0.0.1',
    port,
    publicUrl: url,
    databaseUrl: 'sqlite::memory:',
    smtpUrl: 'capture:',
    adminToken,
    secretKey: randomToken(32),
    logLevel: 'silent',
    sandbox: true,
    courierPollMs: 50,
    requestWorkerTickMs: 25,
    ...options.settings,
  };
  const rt = await createRuntime(settings, { logger: createLogger(settings.logLevel) });
  if (options.builtIn !== false) await loadSandbox(rt);
  if (options.fixture !== undefined) await seedFixture(rt, options.fixture);
  const app = await buildApp(rt);
  await app.listen({ host: settings.host, port });
  rt.startBackground();
  const faults = rt.faults;
  if (!faults) throw new Error('sandbox: fault injection is off');

  const returned = new Set<string>();
  const inbox: SandboxInbox = {
    async list(filter = {}) {
      return (await rt.messages.inbox(OPERATOR, { to: filter.to, limit: 100 })).items;
    },
    async waitFor(to, { timeout = 5000, since = 0 } = {}) {
      const deadline = Date.now() + timeout;
      for (;;) {
        await rt.requestWorker.drain();
        const items = (await rt.messages.inbox(OPERATOR, { to, limit: 100 })).items;
        const found = items.filter((m) => m.capturedAt >= since && !returned.has(m.id)).at(-1);
        if (found) {
          returned.add(found.id);
          return found;
        }
        if (Date.now() > deadline) throw new Error(`sandbox: no mail to ${to} within ${timeout} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    linkIn(mail) {
      const link = linksOf(mail.html)[0];
      if (!link) throw new Error(`sandbox: no link in mail ${mail.id}`);
      return link;
    },
  };

  return {
    url,
    adminToken,
    credentials: SANDBOX_CREDENTIALS,
    inbox,
    faults: {
      add: (spec) => faults.add(OPERATOR, spec),
      list: () => faults.list(OPERATOR),
      clear: (id) => faults.clear(OPERATOR, id),
    },
    async close() {
      await app.close();
      await rt.close();
    },
  };
};
