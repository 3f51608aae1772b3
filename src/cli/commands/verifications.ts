import { type Command, Option } from 'commander';
import { OPERATOR } from '../../core/access/permissions.js';
import { purposes, type Verification, verificationStates } from '../../core/model.js';
import { configOption, durationArg, iso, positiveInt, withRuntime } from '../shared.js';

const json = (v: Verification) => ({
  id: v.id,
  account_id: v.accountId,
  recipient: v.recipient,
  purpose: v.purpose,
  state: v.state,
  locale: v.locale,
  created_at: iso(v.createdAt),
  expires_at: iso(v.expiresAt),
  send_count: v.sendCount,
  last_sent_at: iso(v.lastSentAt),
  confirmed_at: iso(v.confirmedAt) || null,
});

/** `reverify verifications list`: newest first, as tab-separated lines or JSON. */
export const verificationCommands = (program: Command) => {
  const verifications = program.command('verifications').description('look at verifications');
  verifications
    .command('list')
    .description('list verifications, newest first: id, state, purpose, recipient, account, created, sends, last sent')
    .addOption(new Option('--state <state>', 'only this state').choices(verificationStates))
    .addOption(new Option('--purpose <purpose>', 'only this purpose').choices(purposes))
    .option('--account <account>', 'only this account (name or id)')
    .option('--recipient <address>', 'only this recipient')
    .option('--older-than <duration>', 'only those created longer ago than this, e.g. 1h, 30m, 2d', durationArg)
    .option('--limit <n>', 'at most this many', positiveInt(100_000), 100)
    .option('--json', 'print a JSON array instead of lines')
    .option(...configOption)
    .action(async (opts) =>
      withRuntime(opts, async (rt) => {
        const accountId = opts.account ? (await rt.accounts.resolve(opts.account)).id : undefined;
        const createdBefore = opts.olderThan ? rt.clock.now() - opts.olderThan : undefined;
        const found: Verification[] = [];
        let cursor: string | undefined;
        do {
          const page = await rt.verifications.list(OPERATOR, {
            state: opts.state,
            purpose: opts.purpose,
            accountId,
            recipient: opts.recipient,
            createdBefore,
            cursor,
            limit: Math.min(500, opts.limit - found.length),
          });
          found.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor && found.length < opts.limit);
        if (opts.json) process.stdout.write(`${JSON.stringify(found.map(json), null, 2)}\n`);
        else
          for (const v of found)
            process.stdout.write(
              `${[v.id, v.state, v.purpose, v.recipient, v.accountId ?? '', iso(v.createdAt), v.sendCount, iso(v.lastSentAt)].join('\t')}\n`,
            );
      }),
    );
};
