import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../src/config/load.js';
import { createRuntime } from '../src/runtime/create-runtime.js';
import { reverifyCli } from './helpers/cli.js';
import { startService } from './helpers/service.js';
import { SmtpSink } from './helpers/smtp-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'reverify-dkim-'));

/** The TXT record's strings, as the keygen command printed them: what a resolver would answer. */
const publishedStrings = (stdout: string, name: string): string[] => {
  const line = stdout.split('\n').find((l) => l.startsWith(`${name}. IN TXT `)) ?? '';
  return [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
};

describe('DKIM', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keygen writes a key and prints the TXT record; delivered mail's signature verifies against it with mailauth, and VERP names the message", async () => {
    const keyFile = join(dir, 'mail.pem');
    const generated = await reverifyCli(['dkim', 'keygen', 'example.org', 'rv2026', '--out', keyFile]);
    expect(generated.code).toBe(0);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const strings = publishedStrings(generated.stdout, 'rv2026._domainkey.example.org');
    expect(strings.join('')).toMatch(/^v=DKIM1; k=rsa; p=MII[A-Za-z0-9+/=]+$/);
    expect(strings.every((s) => s.length <= 255)).toBe(true);
    expect((await reverifyCli(['dkim', 'keygen', 'example.org', 'rv2026', '--out', keyFile])).stderr).toMatch(/exists/);

    const sink = await new SmtpSink().start();
    const svc = await startService({
      smtpUrl: sink.url,
      mailFrom: 'Example <no-reply@example.org>',
      dkimDomain: 'example.org',
      dkimSelector: 'rv2026',
      dkimKeyFile: keyFile,
      bounceDomain: 'bounces.example.org',
    });
    try {
      const created = await svc.call('POST', '/v1/verifications', { recipient: 'signed@example.com', purpose: 'email_ownership' });
      const [mail] = await sink.waitForMails(1);
      const asked: string[] = [];
      const resolver = async (name: string, type: string) => {
        asked.push(`${name} ${type}`);
        if (name === 'rv2026._domainkey.example.org' && type === 'TXT') return [strings];
        throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      };
      const verdict = await dkimVerify(mail!.raw, { resolver });
      expect(asked).toContain('rv2026._domainkey.example.org TXT');
      expect(verdict.results[0]).toMatchObject({ signingDomain: 'example.org', selector: 'rv2026', status: { result: 'pass' } });
      const tampered = Buffer.from(mail!.raw.toString('utf8').replace(/^Subject: .*$/m, 'Subject: Changed'));
      expect((await dkimVerify(tampered, { resolver })).results[0]?.status.result).toBe('fail');

      const [message] = (await svc.call('GET', `/v1/messages?verification=${created.json.id}`)).json.items;
      expect(mail?.mailFrom).toBe(`bounce+${message.id}@bounces.example.org`);
      expect(mail?.parsed.from?.value[0]?.address).toBe('no-reply@example.org');
    } finally {
      await svc.close();
      await sink.stop();
    }
  });

  it('refuses to start with one clear line when DKIM is half set or its key unreadable', async () => {
    const base = { ...loadSettings({ env: {} }), databaseUrl: `sqlite:${join(dir, 'refused.db')}`, logLevel: 'silent' };
    await expect(createRuntime({ ...base, dkimDomain: 'example.org' })).rejects.toThrow(
      /^REVERIFY_DKIM_DOMAIN: REVERIFY_DKIM_DOMAIN, REVERIFY_DKIM_SELECTOR and REVERIFY_DKIM_KEY_FILE go together$/,
    );
    await expect(
      createRuntime({ ...base, dkimDomain: 'example.org', dkimSelector: 's', dkimKeyFile: join(dir, 'missing.pem') }),
    ).rejects.toThrow(/^REVERIFY_DKIM_KEY_FILE: .*missing\.pem is not a readable PEM private key/);
  });
});
