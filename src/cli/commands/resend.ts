import { randomUUID } from 'node:crypto';
import { type Command, Option } from 'commander';
import PQueue from 'p-queue';
import { OPERATOR } from '../../core/access/permissions.js';
import { purposes } from '../../core/model.js';
import { type BulkResendFilter, emptyTotals, tally } from '../../core/verification/bulk-resend.js';
import { progressFor } from '../progress.js';
import { configOption, durationArg, iso, positiveInt, rateArg, withRuntime } from '../shared.js';

/** p-queue's rate window: small windows keep the sends even rather than in bursts. */
const rateWindow = (perSecond: number) =>
  perSecond >= 10 ? { intervalCap: Math.round(perSecond / 10), interval: 100 } : { intervalCap: 1, interval: Math.round(1000 / perSecond) };

const describe = (refused: Record<string, number>) =>
  Object.entries(refused)
    .map(([rule, n]) => `${rule} ${n}`)
    .join(', ');

/**
 * `reverify resend --pending --older-than 1h`: the bulk resend (Kratos #2892). Every send goes
 * through the core (quotas apply; a refusal is counted, never retried). Ctrl-C stops taking new
 * work, lets the sends in flight finish and records what was done; running the same command again
 * resumes, because whoever was sent to since the cutoff no longer qualifies.
 */
export const resendCommand = (program: Command) => {
  program
    .command('resend')
    .description('send verification emails again to recipients who have not confirmed (bulk, resumable)')
    .requiredOption('--pending', 'resend pending verifications (required: the one kind a bulk resend may target)')
    .requiredOption('--older-than <duration>', 'only those last emailed longer ago than this, e.g. 1h, 30m, 2d', durationArg)
    .addOption(new Option('--purpose <purpose>', 'only this purpose').choices(purposes))
    .option('--account <account>', 'only this account (name or id)')
    .option('--dry-run', 'count and list who would get an email; send nothing')
    .option('--rate <n/s>', 'at most this many sends per second, e.g. 20/s', rateArg)
    .option('--concurrency <n>', 'sends in flight at once', positiveInt(64), 4)
    .option(...configOption)
    .action(async (opts) =>
      withRuntime(opts, async (rt) => {
        const filter: BulkResendFilter = { olderThanMs: opts.olderThan, purpose: opts.purpose, account: opts.account };
        const startedAt = rt.clock.now();
        const plan = await rt.bulkResend.plan(OPERATOR, filter);
        const out = process.stdout;
        out.write(`resend: ${plan.ids.length} pending verifications last emailed before ${iso(plan.cutoff)}\n`);
        if (opts.dryRun) {
          for (const id of plan.ids) out.write(`would resend ${id}\n`);
          out.write('resend: dry run, nothing sent\n');
          return;
        }
        const runId = randomUUID();
        const totals = emptyTotals(plan.ids.length);
        const queue = new PQueue({ concurrency: opts.concurrency, ...(opts.rate ? rateWindow(opts.rate) : {}) });
        const progress = progressFor(process.stderr, plan.ids.length);
        let interrupted = false;
        let failure: unknown = null;
        const interrupt = () => {
          if (interrupted) {
            process.stderr.write('\nresend: stopping at once\n');
            process.exit(130);
          }
          interrupted = true;
          // Tasks not started are dropped; those in flight finish and are counted.
          queue.clear();
          process.stderr.write('\nresend: interrupted; finishing the sends in flight (Ctrl-C again to stop at once)\n');
        };
        process.on('SIGINT', interrupt);
        process.on('SIGTERM', interrupt);
        try {
          let done = 0;
          for (const id of plan.ids)
            queue
              .add(async () => {
                if (interrupted || failure) return;
                tally(totals, await rt.bulkResend.send(OPERATOR, id, plan.cutoff));
                progress.update(++done, totals);
              })
              .catch((e: unknown) => {
                failure ??= e;
                queue.clear();
              });
          await queue.onIdle();
        } finally {
          process.off('SIGINT', interrupt);
          process.off('SIGTERM', interrupt);
          progress.stop();
          await rt.bulkResend.record(OPERATOR, { runId, filter, plan, startedAt, interrupted: interrupted || failure !== null }, totals);
        }
        if (failure) throw failure;
        const refused = Object.values(totals.refused).reduce((a, b) => a + b, 0);
        out.write(
          `resend: ${totals.sent} sent, ${refused} refused${refused ? ` (${describe(totals.refused)})` : ''}, ${totals.skipped} skipped` +
            `${totals.remaining ? `, ${totals.remaining} not reached` : ''}; run ${runId}\n`,
        );
        if (interrupted) {
          out.write('resend: interrupted: run the same command again to resume (nobody already sent to is sent to again)\n');
          process.exitCode = 130;
        }
      }),
    );
};
