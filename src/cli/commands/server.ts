import { type Command, InvalidArgumentError } from 'commander';
import type { Settings } from '../../config/settings.js';
import { readFixtureFile, seedFixture } from '../../fixtures/load-fixtures.js';
import { loadSandbox } from '../../fixtures/sandbox.js';
import { sandboxBanner } from '../../fixtures/sandbox-samples.js';
import { startServer } from '../../http/server.js';
import { openStore } from '../../runtime/store-factory.js';
import { parseAssignments, signedRpcUrl } from '../alibaba-url.js';
import { configOption, runtimeFor, settingsFrom, withRuntime } from '../shared.js';

const portNumber = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return v;
};

/** Where a client reaches the server just started: a wildcard listen address means this machine. */
const baseUrl = (address: ReturnType<import('node:net').Server['address']>, settings: Settings): string => {
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const host = ['0.0.0.0', '::', ''].includes(settings.host) ? '127.0.0.1' : settings.host;
  return `${settings.tlsCert ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
};

/** start, seed, migrate, alibaba-url. */
export const serverCommands = (program: Command) => {
  program
    .command('start')
    .description('migrate the store, load fixtures if given, and serve')
    .option('--host <host>', 'listen address (REVERIFY_HOST)')
    .option('--port <port>', 'listen port (REVERIFY_PORT)', portNumber)
    .option(...configOption)
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
    .option(...configOption)
    .action(async (file: string, opts) =>
      withRuntime(opts, async (rt) => {
        const report = await seedFixture(rt, readFixtureFile(file));
        process.stdout.write(`seeded: ${report.accounts} accounts, ${report.subjects} subjects, ${report.skipped} already present\n`);
        // Deliver the first emails the seed queued before exiting.
        while ((await rt.courier.drainOnce()) > 0) {}
      }),
    );

  program
    .command('migrate')
    .description("bring the configured store's schema up to date")
    .option(...configOption)
    .action(async (opts) => {
      const opened = await openStore(settingsFrom(opts));
      const applied = await opened.migrate().finally(() => opened.store.health.close());
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
};
