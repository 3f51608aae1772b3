import type { Command } from 'commander';
import { isPurpose } from '../core/model.js';
import { isLocale } from '../core/verification/locales.js';
import { countTemplates, loadTemplateDir, TemplateLoadError, type TemplateOverrides } from '../courier/templates/overrides.js';
import { TemplateRegistry } from '../courier/templates/registry.js';

const fail = (message: string): never => {
  process.stderr.write(`reverify: ${message}\n`);
  process.exit(2);
};

const load = (dir: string): TemplateOverrides => {
  try {
    return loadTemplateDir(dir);
  } catch (e) {
    if (e instanceof TemplateLoadError) return fail(e.message);
    throw e;
  }
};

/** `reverify templates check DIR` and `reverify templates preview PURPOSE LOCALE`: no database needed. */
export const templateCommands = (program: Command) => {
  const templates = program.command('templates').description('the mail templates you own (REVERIFY_TEMPLATES_DIR)');
  templates
    .command('check <dir>')
    .description('load a templates directory as start would: every file parses, has the link, renders with sample values')
    .action((dir: string) => {
      const n = countTemplates(load(dir));
      process.stdout.write(`${dir}: ${n} template${n === 1 ? '' : 's'} OK\n`);
    });
  templates
    .command('preview <purpose> <locale>')
    .description('render the mail of a purpose and locale with sample values: the templates directory over the built-in ones')
    .option('--dir <dir>', 'the templates directory (default REVERIFY_TEMPLATES_DIR; none: the built-in templates)')
    .option('--account <name>', "an account's templates (accounts/<name>/ in the directory)")
    .option('--set <id>', 'a template set (Sectigo dcvTemplateID)')
    .option('--part <part>', 'subject, text, html or all', 'all')
    .action(async (purpose: string, locale: string, opts: { dir?: string; account?: string; set?: string; part: string }) => {
      if (!isPurpose(purpose)) fail(`'${purpose}' is not a purpose (dcv, smime_mailbox, email_ownership, account_activation)`);
      if (!isLocale(locale)) fail(`'${locale}' is not a locale (en, de, zh_CN, ...)`);
      if (!['subject', 'text', 'html', 'all'].includes(opts.part)) fail(`--part must be subject, text, html or all`);
      const dir = opts.dir ?? process.env.REVERIFY_TEMPLATES_DIR;
      const registry = new TemplateRegistry(dir ? load(dir) : null, async () => null);
      if (!isPurpose(purpose)) return;
      const mail = await registry.preview(opts.account ?? null, purpose, locale, opts.set);
      const out =
        opts.part === 'all'
          ? `Subject: ${mail.subject}\nLocale: ${mail.locale}\n\n${mail.text}\n\n----- HTML -----\n${mail.html}\n`
          : `${mail[opts.part as 'subject' | 'text' | 'html']}\n`;
      process.stdout.write(out);
    });
};
