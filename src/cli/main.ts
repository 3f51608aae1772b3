import { Command, InvalidArgumentError } from 'commander';
import { loadSettings, SettingError } from '../config/load.js';
import type { Settings } from '../config/settings.js';
import { OPERATOR } from '../core/access/permissions.js';
import { CoreError } from '../core/errors.js';
import { FixtureError, readFixtureFile, seedFixture } from '../fixtures/load-fixtures.js';
import { loadSandbox } from '../fixtures/sandbox.js';
import { sandboxBanner } from '../fixtures/sandbox-samples.js';
import { startServer } from '../http/server.js';
import { createRuntime } from '../runtime/create-runtime.js';
import { openStore } from '../runtime/store-factory.js';
import { parseAssignments, signedRpcUrl } from './alibaba-url.js';
import { dkimCommands } from './dkim.js';
import { suppressionCommands } from './suppressions.js';
import { templateCommands } from './templates.js';

const portNumber = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return v;
};

const settingsFrom = (opts: { host?: string; port?: string; config?: string; sandbox?: boolean }): Settings =>
  loadSettings({
    flags: { host: opts.host, port: opts.port, sandbox: opts.sandbox ? true : undefined },
    file: opts.config ?? process.env.REVERIFY_CONFIG,
  });

const runtimeFor = (settings: Settings, onToken: (token: string) => void = () => {}) =>
  createRuntime(settings, {
    onAdminTokenGenerated: (token) => {
      process.stdout.write(`\nAdmin token (shown once; store it now, only its hash is kept):\n  ${token}\n\n`);
      onToken(token);
    },
  });

/** Where a client reaches the server just started: a wildcard listen address means this machine. */
const baseUrl = (address: ReturnType<import('node:net').Server['address']>, settings: Settings): string => {
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const host = ['0.0.0.0', '::', ''].includes(settings.host) ? '127.0.0.1' : settings.host;
  return `${settings.tlsCert ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
};

const program = new Command('reverify').description('Self-hosted verification-email service').showHelpAfterError();

program
  .command('start')
  .description('migrate the store, load fixtures if given, and serve')
  .option('--host <host>', 'listen address (REVERIFY_HOST)')
  .option('--port <port>', 'listen port (REVERIFY_PORT)', portNumber)
  .option('--config <file>', 'config file, JSON or YAML')
  .option('--fixtures <file>', 'load this fixture file before serving (idempotent)')
  .option('--sandbox', 'load the built-in fixture made from the seeds and print their sample requests (REVERIFY_SANDBOX)')
  .action(async (opts) => {
    const settings = settingsFrom(opts);
    let adminToken: string | null = null;
    const rt = await runtimeFor(settings, (token) => {
      adminToken = token;
    });
    if (settings.sandbox) rt.logger.info(await loadSandbox(rt), 'sandbox fixture loaded');
    if (opts.fixtures) {
      const report = await seedFixture(rt, readFixtureFile(opts.fixtures));
      rt.logger.info(report, 'fixtures loaded');
    }
    const server = await startServer(rt);
    if (settings.sandbox) process.stdout.write(sandboxBanner(baseUrl(server.app.server.address(), settings), adminToken));
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      rt.logger.info({ signal }, 'shutting down: draining in-flight sends');
      await server.close();
      await rt.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

program
  .command('seed <file>')
  .description('load a fixture file into the configured store and exit')
  .option('--config <file>', 'config file, JSON or YAML')
  .action(async (file: string, opts) => {
    const rt = await runtimeFor(settingsFrom(opts));
    try {
      const report = await seedFixture(rt, readFixtureFile(file));
      const webhooks = report.webhooks ? `, ${report.webhooks} webhooks` : '';
      process.stdout.write(
        `seeded: ${report.accounts} accounts, ${report.subjects} subjects${webhooks}, ${report.skipped} already present\n`,
      );
      // Deliver the first emails the seed queued before exiting.
      while ((await rt.courier.drainOnce()) > 0) {}
    } finally {
      await rt.close();
    }
  });

program
  .command('migrate')
  .description("bring the configured store's schema up to date")
  .option('--config <file>', 'config file, JSON or YAML')
  .action(async (opts) => {
    const opened = openStore(settingsFrom(opts).databaseUrl);
    const applied = await opened.migrate();
    await opened.store.health.close();
    process.stdout.write(applied.length ? `applied migrations ${applied.join(', ')}\n` : 'schema is up to date\n');
  });

program
  .command('alibaba-url')
  .description('print an Alibaba Cloud RPC URL with its common parameters, signed (signature v1), for curl')
  .requiredOption('--access-key-id <id>', 'the access key id')
  .requiredOption('--access-key-secret <secret>', 'its secret')
  .option('--endpoint <url>', 'the service', 'http://127.0.0.1:8080')
  .argument(
    '<params...>',
    'NAME=VALUE, e.g. Action=ResendEmailVerification Email=test1@aliyun.com',
    (value: string, previous: string[] = []) => {
      if (!/^[^=]+=/.test(value)) throw new InvalidArgumentError('must be NAME=VALUE');
      return [...previous, value];
    },
  )
  .action((params: string[], opts) => {
    const url = signedRpcUrl({
      endpoint: opts.endpoint,
      accessKeyId: opts.accessKeyId,
      accessKeySecret: opts.accessKeySecret,
      params: parseAssignments(params),
    });
    process.stdout.write(`${url}\n`);
  });

const accounts = program.command('accounts').description('manage accounts');
accounts
  .command('create <name>')
  .option('--login <loginName>', 'login name (Sectigo-style login)')
  .option('--password <password>', 'login password (prefer REVERIFY_LOGIN_PASSWORD to keep it out of shell history)')
  .option('--config <file>', 'config file, JSON or YAML')
  .action(async (name: string, opts) => {
    const rt = await runtimeFor(settingsFrom(opts));
    try {
      const password = opts.password ?? process.env.REVERIFY_LOGIN_PASSWORD;
      const account = await rt.accounts.create(OPERATOR, {
        name,
        loginName: opts.login ?? null,
        loginPassword: opts.login ? password : null,
      });
      process.stdout.write(`${account.id}\t${account.name}\n`);
    } finally {
      await rt.close();
    }
  });
accounts
  .command('list')
  .option('--config <file>', 'config file, JSON or YAML')
  .action(async (opts) => {
    const rt = await runtimeFor(settingsFrom(opts));
    try {
      let cursor: string | undefined;
      do {
        const page = await rt.accounts.list(OPERATOR, cursor, 100);
        for (const a of page.items) process.stdout.write(`${a.id}\t${a.name}\t${a.loginName ?? ''}\n`);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    } finally {
      await rt.close();
    }
  });

const keys = program.command('keys').description('manage API keys');
keys
  .command('create <account>')
  .description('create an API key for an account (by name or id); the key is printed once')
  .option('--role <role>', 'role: 0, 100, 101, 102 (view only) or 103', '0')
  .option('--label <label>', 'a label to tell keys apart')
  .option('--config <file>', 'config file, JSON or YAML')
  .action(async (account: string, opts) => {
    const rt = await runtimeFor(settingsFrom(opts));
    try {
      const { record, key } = await rt.accounts.createApiKey(OPERATOR, account, Number(opts.role), opts.label ?? null);
      process.stdout.write(`id: ${record.id}\nkey (shown once): ${key}\n`);
    } finally {
      await rt.close();
    }
  });
keys
  .command('revoke <account> <keyId>')
  .option('--config <file>', 'config file, JSON or YAML')
  .action(async (account: string, keyId: string, opts) => {
    const rt = await runtimeFor(settingsFrom(opts));
    try {
      await rt.accounts.revokeApiKey(OPERATOR, account, keyId);
      process.stdout.write(`revoked ${keyId}\n`);
    } finally {
      await rt.close();
    }
  });

dkimCommands(program);
templateCommands(program);
suppressionCommands(program, (opts) => runtimeFor(settingsFrom(opts)));

/** One clear line for the errors a user can fix; a stack trace only for real bugs. */
export const run = async (argv: string[]): Promise<void> => {
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof SettingError || e instanceof FixtureError) process.stderr.write(`reverify: ${e.message}\n`);
    else if (e instanceof CoreError)
      process.stderr.write(`reverify: ${e.code}: ${e.message}${e.details.field ? ` (${e.details.field})` : ''}\n`);
    else if (e instanceof Error && /^REVERIFY_/.test(e.message)) process.stderr.write(`reverify: ${e.message}\n`);
    else throw e;
    process.exit(2);
  }
};
