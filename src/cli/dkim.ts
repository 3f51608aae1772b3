import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { dkimTxtRecord, generateDkimKey } from '../courier/email/dkim.js';

/** `reverify dkim keygen DOMAIN SELECTOR`: a key pair, and the TXT record to publish. */
export const dkimCommands = (program: Command) => {
  const dkim = program.command('dkim').description('DKIM signing of outgoing mail');
  dkim
    .command('keygen <domain> <selector>')
    .description('write a 2048-bit RSA private key and print the DNS TXT record that publishes its public key')
    .option('--out <file>', 'where to write the private key (default ./<selector>.<domain>.dkim.pem)')
    .action((domain: string, selector: string, opts: { out?: string }) => {
      const file = resolve(opts.out ?? join('.', `${selector}.${domain}.dkim.pem`));
      let generated: ReturnType<typeof generateDkimKey>;
      try {
        generated = generateDkimKey(domain.toLowerCase(), selector, file);
      } catch (e) {
        process.stderr.write(`reverify: ${(e as Error).message}\n`);
        process.exit(2);
      }
      const record = dkimTxtRecord(domain.toLowerCase(), selector, generated.publicKeyPem);
      process.stdout.write(
        [
          `Private key written to ${generated.file} (owner-only; keep it secret).`,
          '',
          'Publish this DNS TXT record:',
          record.zoneLine,
          '',
          'Then sign outgoing mail with:',
          `  REVERIFY_DKIM_DOMAIN=${domain.toLowerCase()} REVERIFY_DKIM_SELECTOR=${selector} REVERIFY_DKIM_KEY_FILE=${generated.file}`,
          '',
        ].join('\n'),
      );
    });
};
