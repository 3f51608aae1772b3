import type { Command } from 'commander';
import { OPERATOR } from '../../core/access/permissions.js';
import { configOption, iso, withRuntime } from '../shared.js';

const line = (...cells: (string | number | null)[]) => `${cells.map((c) => (c === null ? '' : String(c))).join('\t')}\n`;

/** accounts, keys (API keys) and access-keys (Alibaba-style pairs). Secrets are printed once. */
export const accountCommands = (program: Command) => {
  const accounts = program.command('accounts').description('manage accounts (tenants)');
  accounts
    .command('create <name>')
    .description('create an account; with --login, a Sectigo-style login too')
    .option('--login <loginName>', 'login name (Sectigo-style login)')
    .option('--password <password>', 'login password (prefer REVERIFY_LOGIN_PASSWORD to keep it out of shell history)')
    .option(...configOption)
    .action(async (name: string, opts) =>
      withRuntime(opts, async (rt) => {
        const password = opts.password ?? process.env.REVERIFY_LOGIN_PASSWORD;
        const account = await rt.accounts.create(OPERATOR, {
          name,
          loginName: opts.login ?? null,
          loginPassword: opts.login ? password : null,
        });
        process.stdout.write(line(account.id, account.name));
      }),
    );
  accounts
    .command('list')
    .description('list accounts: id, name, login')
    .option(...configOption)
    .action(async (opts) =>
      withRuntime(opts, async (rt) => {
        let cursor: string | undefined;
        do {
          const page = await rt.accounts.list(OPERATOR, cursor, 100);
          for (const a of page.items) process.stdout.write(line(a.id, a.name, a.loginName ?? ''));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }),
    );

  const keys = program.command('keys').description("manage an account's API keys");
  keys
    .command('create <account>')
    .description('create an API key for an account (by name or id); the key is printed once')
    .option('--role <role>', 'role: 0, 100, 101, 102 (view only) or 103', '0')
    .option('--label <label>', 'a label to tell keys apart')
    .option(...configOption)
    .action(async (account: string, opts) =>
      withRuntime(opts, async (rt) => {
        const { record, key } = await rt.accounts.createApiKey(OPERATOR, account, Number(opts.role), opts.label ?? null);
        process.stdout.write(`id: ${record.id}\nkey (shown once): ${key}\n`);
      }),
    );
  keys
    .command('list <account>')
    .description("list an account's API keys: id, role, label, last characters, created, revoked")
    .option(...configOption)
    .action(async (account: string, opts) =>
      withRuntime(opts, async (rt) => {
        for (const k of await rt.accounts.listApiKeys(OPERATOR, account))
          process.stdout.write(line(k.id, k.role, k.label ?? '', `…${k.hint}`, iso(k.createdAt), iso(k.revokedAt)));
      }),
    );
  keys
    .command('revoke <account> <keyId>')
    .description('revoke an API key: it stops working at once, everywhere')
    .option(...configOption)
    .action(async (account: string, keyId: string, opts) =>
      withRuntime(opts, async (rt) => {
        await rt.accounts.revokeApiKey(OPERATOR, account, keyId);
        process.stdout.write(`revoked ${keyId}\n`);
      }),
    );

  const access = program.command('access-keys').description("manage an account's access key pairs (Alibaba Cloud signing)");
  access
    .command('create <account>')
    .description('create an access key pair; the secret is printed once')
    .option(...configOption)
    .action(async (account: string, opts) =>
      withRuntime(opts, async (rt) => {
        const { record, secret } = await rt.accounts.createAccessKey(OPERATOR, account);
        process.stdout.write(`AccessKeyId: ${record.id}\nAccessKeySecret (shown once): ${secret}\n`);
      }),
    );
  access
    .command('list <account>')
    .description("list an account's access keys: id, created, revoked")
    .option(...configOption)
    .action(async (account: string, opts) =>
      withRuntime(opts, async (rt) => {
        for (const k of await rt.accounts.listAccessKeys(OPERATOR, account))
          process.stdout.write(line(k.id, iso(k.createdAt), iso(k.revokedAt)));
      }),
    );
  access
    .command('revoke <account> <accessKeyId>')
    .description('revoke an access key: requests signed with it are refused from now on')
    .option(...configOption)
    .action(async (account: string, id: string, opts) =>
      withRuntime(opts, async (rt) => {
        await rt.accounts.revokeAccessKey(OPERATOR, account, id);
        process.stdout.write(`revoked ${id}\n`);
      }),
    );
};
