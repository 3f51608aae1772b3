import type { Command } from 'commander';
import { OPERATOR } from '../core/access/permissions.js';
import type { Runtime } from '../runtime/create-runtime.js';

type Open = (opts: { config?: string }) => Promise<Runtime>;

/** `reverify suppressions list|lift`: the operator's view of the suppression lists. */
export const suppressionCommands = (program: Command, open: Open) => {
  const suppressions = program.command('suppressions').description('addresses no email goes to, because mail to them bounced');
  suppressions
    .command('list')
    .description('list suppressed addresses, newest first (all accounts, or one)')
    .option('--account <account>', 'only this account (name or id)')
    .option('--config <file>', 'config file, JSON or YAML')
    .action(async (opts: { account?: string; config?: string }) => {
      const rt = await open(opts);
      try {
        let cursor: string | undefined;
        do {
          const page = await rt.suppressions.list(OPERATOR, { account: opts.account, cursor, limit: 100 });
          for (const x of page.items)
            process.stdout.write(
              `${x.address}\t${x.accountId ?? '-'}\t${new Date(x.createdAt).toISOString()}\t${x.reason}\t${x.detail ?? ''}\n`,
            );
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      } finally {
        await rt.close();
      }
    });
  suppressions
    .command('lift <address>')
    .description("let mail go to the address again (for --account; without it, the sign-ups' list, mail of no account)")
    .option('--account <account>', 'the account (name or id)')
    .option('--config <file>', 'config file, JSON or YAML')
    .action(async (address: string, opts: { account?: string; config?: string }) => {
      const rt = await open(opts);
      try {
        await rt.suppressions.lift(OPERATOR, { address, account: opts.account });
        process.stdout.write(`lifted ${address.trim().toLowerCase()}\n`);
      } finally {
        await rt.close();
      }
    });
};
