import { Command } from 'commander';
import { SettingError } from '../config/load.js';
import { CoreError } from '../core/errors.js';
import { Unavailable } from '../core/unavailable.js';
import { FixtureError } from '../fixtures/load-fixtures.js';
import { accountCommands } from './commands/accounts.js';
import { resendCommand } from './commands/resend.js';
import { serverCommands } from './commands/server.js';
import { verificationCommands } from './commands/verifications.js';
import { dkimCommands } from './dkim.js';
import { sandboxCommand } from './sandbox-command.js';
import { runtimeFor, settingsFrom, version } from './shared.js';
import { suppressionCommands } from './suppressions.js';
import { templateCommands } from './templates.js';

export const program = new Command('reverify')
  .description('Self-hosted verification-email service')
  .version(version(), '-V, --version', 'print the version')
  .showHelpAfterError();

serverCommands(program);
accountCommands(program);
verificationCommands(program);
resendCommand(program);
sandboxCommand(program);
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
    else if (e instanceof Unavailable) {
      // Not a configuration error: the database may come back, so a supervisor should try again (exit 1, not 2).
      process.stderr.write(`reverify: REVERIFY_DATABASE_URL: ${e.message}\n`);
      process.exit(1);
    } else throw e;
    process.exit(2);
  }
};
