import type { Command } from 'commander';
import { readFixtureFile } from '../fixtures/load-fixtures.js';
import { startSandbox } from '../sandbox/index.js';

/** The environment a test suite in another process exports to reach the sandbox. */
export const sandboxEnvironment = (sb: { url: string; adminToken: string; credentials: Record<string, string> }): string[] => [
  `export REVERIFY_URL=${sb.url}`,
  `export REVERIFY_ADMIN_TOKEN=${sb.adminToken}`,
  `export SECTIGO_BASE_URL=${sb.url}/products`,
  `export SECTIGO_LOGIN_NAME=${sb.credentials.loginName}`,
  `export SECTIGO_LOGIN_PASSWORD=${sb.credentials.loginPassword}`,
  `export DIGICERT_BASE_URL=${sb.url}/services/v2`,
  `export DIGICERT_API_KEY=${sb.credentials.digicertApiKey}`,
  `export ALIBABA_CLOUD_ENDPOINT=${new URL(sb.url).host}`,
  `export ALIBABA_CLOUD_ACCESS_KEY_ID=${sb.credentials.accessKeyId}`,
  `export ALIBABA_CLOUD_ACCESS_KEY_SECRET=${sb.credentials.accessKeySecret}`,
  `export AKANA_BASE_URL=${sb.url}/api/users`,
];

/** `reverify sandbox`: the in-process sandbox from a shell, until Ctrl-C. */
export const sandboxCommand = (program: Command) =>
  program
    .command('sandbox')
    .description('start a throw-away sandbox (in-memory store, captured mail, fault injection) and print the variables to export')
    .option('--port <port>', 'listen port on 127.0.0.1 (a free one by default)')
    .option('--fixtures <file>', 'load this fixture file after the built-in one')
    .action(async (opts: { port?: string; fixtures?: string }) => {
      const sb = await startSandbox({
        port: opts.port === undefined ? undefined : Number(opts.port),
        fixture: opts.fixtures === undefined ? undefined : readFixtureFile(opts.fixtures),
      });
      process.stdout.write(
        `${sandboxEnvironment(sb).join('\n')}\n# captured mail: GET $REVERIFY_URL/v1/inbox; faults: POST $REVERIFY_URL/v1/sandbox/faults\n`,
      );
      const stop = async () => {
        await sb.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
