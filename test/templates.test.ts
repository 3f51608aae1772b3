import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../src/config/load.js';
import { createRuntime } from '../src/runtime/create-runtime.js';
import { reverifyCli } from './helpers/cli.js';
import { eventually } from './helpers/eventually.js';
import { login, sectigo, seedSectigo } from './helpers/sectigo-fixture.js';
import { startService, type TestService } from './helpers/service.js';
import { SmtpSink } from './helpers/smtp-sink.js';

const root = mkdtempSync(join(tmpdir(), 'reverify-templates-'));

/** Writes a templates directory: path (under it) -> file content. */
const templatesDir = (name: string, files: Record<string, string>): string => {
  const dir = join(root, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
};

/** One template: subject, text and HTML, under `at` (purpose/locale). */
const template = (at: string, subject: string, words = subject) => ({
  [`${at}/subject.liquid`]: subject,
  [`${at}/text.liquid`]: `${words}\n\nConfirm: {{ link }}\n\nHello {{ first_name }} <{{ recipient }}>`,
  [`${at}/html.liquid`]: `<html><body><h1>${words}</h1><p>Hello {{ first_name }}, {{ recipient }}</p><a href="{{ link }}">Confirm</a></body></html>`,
});

const tokenIn = (text: string) => /\/verify\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';

describe('templates the operator owns', () => {
  let svc: TestService | undefined;
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await svc?.close();
    await sink?.stop();
    svc = undefined;
    sink = undefined;
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('an override changes the delivered mail; the link works and the security wording stays Reverify’s', async () => {
    const dir = templatesDir('plain', template('email_ownership/en', 'Welcome to Example: {{ recipient }}', 'Example Corp needs you'));
    sink = await new SmtpSink().start();
    svc = await startService({ smtpUrl: sink.url, templatesDir: dir });
    await svc.call('POST', '/v1/verifications', { recipient: 'ada@example.com', purpose: 'email_ownership' });
    const [mail] = await sink.waitForMails(1);
    expect(mail?.subject).toBe('Welcome to Example: ada@example.com');
    expect(mail?.text).toContain('Example Corp needs you');
    expect(mail?.text).toMatch(/This link expires on .+ UTC\. If you did not expect this email, ignore it/);
    expect(mail?.html).toContain('<h1>Example Corp needs you</h1>');
    expect(mail?.html).toMatch(/<p style="font-size:.85em;color:#555">This link expires on .*<\/p>\n<\/body>/);
    expect((await svc.call('POST', '/v1/confirm', { token: tokenIn(mail?.text ?? '') }, null)).status).toBe(200);
    // German falls back to the built-in German template (no German override), not to the English override.
    await svc.call('POST', '/v1/verifications', { recipient: 'bea@example.com', purpose: 'email_ownership', locale: 'de' });
    const [, german] = await sink.waitForMails(2);
    expect(german?.subject).not.toContain('Welcome to Example');
  });

  it('a recipient-supplied value containing HTML arrives escaped', async () => {
    const dir = templatesDir('escape', template('account_activation/en', 'Activate, {{ first_name }}'));
    sink = await new SmtpSink().start();
    svc = await startService({ smtpUrl: sink.url, templatesDir: dir });
    const res = await fetch(`${svc.url}/api/users/signupUser`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: '*/*' },
      body: JSON.stringify({ EmailAddress: "o'brien&co@example.com", FirstName: '<img src=x onerror=alert(1)>Eve' }),
    });
    expect(res.status).toBe(200);
    const [mail] = await sink.waitForMails(1);
    expect(mail?.html).toContain('Hello &lt;img src=x onerror=alert(1)&gt;Eve, o&#39;brien&amp;co@example.com');
    expect(mail?.html).not.toContain('<img');
    // Text parts are not HTML: the value is kept as typed there.
    expect(mail?.text).toContain('Hello <img src=x onerror=alert(1)>Eve');
  });

  it("per-account templates and sets are used only for that account's mail; Sectigo's dcvTemplateID chooses a set", async () => {
    const dir = templatesDir('accounts', {
      ...template('accounts/acme/email_ownership/en', 'ACME wants to know it is you'),
      ...template('accounts/acme/sets/7/dcv/en', 'ACME DCV, compact: {{ domains }}'),
      ...template('sets/8/dcv/en', 'Shared set 8 for {{ order_number }}'),
    });
    sink = await new SmtpSink().start();
    svc = await startService({ smtpUrl: sink.url, templatesDir: dir, resendCooldown: 0 });
    await seedSectigo(svc);
    const seeded = (await sink.waitForMails(6)).length;
    const globex = await svc.call('POST', '/v1/verifications', {
      recipient: 'g@example.com',
      purpose: 'email_ownership',
      account: 'globex',
    });
    const acme = await svc.call('POST', '/v1/verifications', { recipient: 'a@example.com', purpose: 'email_ownership', account: 'acme' });
    expect([globex.status, acme.status]).toEqual([201, 201]);
    const mails = await sink.waitForMails(seeded + 2);
    expect(mails.find((m) => m.to[0] === 'a@example.com')?.subject).toBe('ACME wants to know it is you');
    expect(mails.find((m) => m.to[0] === 'g@example.com')?.subject).not.toContain('ACME');

    const form = (body: string) => Object.fromEntries(new URLSearchParams(body));
    expect(form((await sectigo(svc, 'ResendDCVEmail', { ...login, orderNumber: '1234567', dcvTemplateID: '7' })).body).errorCode).toBe('0');
    const [acmeDcv] = (await sink.waitForMails(seeded + 3)).slice(-1);
    expect(acmeDcv?.subject).toBe('ACME DCV, compact: example.com, www.example.com');
    // Set 7 is acme's: globex is refused after its login; set 8 is everyone's; 77 is nobody's, refused before the login.
    const other = { loginName: 'globex_api', loginPassword: 'globex_password', orderNumber: '3000001' };
    expect(form((await sectigo(svc, 'ResendDCVEmail', { ...other, dcvTemplateID: '7' })).body)).toMatchObject({
      errorCode: '-4',
      errorItem: 'dcvTemplateID',
    });
    expect(form((await sectigo(svc, 'ResendDCVEmail', { ...other, dcvTemplateID: '8' })).body).errorCode).toBe('0');
    const [globexDcv] = (await sink.waitForMails(seeded + 4)).slice(-1);
    expect(globexDcv?.subject).toBe('Shared set 8 for 3000001');
    expect(
      form((await sectigo(svc, 'ResendDCVEmail', { loginName: 'x', loginPassword: 'y', orderNumber: '1', dcvTemplateID: '77' })).body),
    ).toMatchObject({
      errorCode: '-4',
      errorItem: 'dcvTemplateID',
    });

    // The preview the console shows: an account sees its own templates.
    const preview = await svc.call('GET', '/v1/templates/preview?purpose=email_ownership&locale=en&account=acme');
    expect(preview.json).toMatchObject({ subject: 'ACME wants to know it is you', locale: 'en' });
    expect(preview.json.text).toContain('https://reverify.example/verify?token=SAMPLE-TOKEN');
    const globexKey = (await svc.call('POST', '/v1/accounts/globex/keys', { role: 102 })).json.key;
    const own = await svc.call('GET', '/v1/templates/preview?purpose=dcv&locale=en&set=7', undefined, globexKey);
    expect([own.status, own.json.error.field]).toEqual([400, 'set']);
    expect((await svc.call('GET', '/v1/templates/preview?purpose=dcv&locale=en&account=acme', undefined, globexKey)).status).toBe(404);
    await eventually(
      async () => (await svc!.call('GET', '/v1/messages?status=queued')).json.items.length,
      (n) => n === 0,
    );
  });

  it('a template without the link, or that does not parse, refuses to start with one clear line; the CLI checks and previews', async () => {
    const base = { ...loadSettings({ env: {} }), databaseUrl: `sqlite:${join(root, 'refused.db')}`, logLevel: 'silent' };
    const noLink = templatesDir('nolink', {
      ...template('dcv/en', 'DCV'),
      'dcv/de/subject.liquid': 'DCV',
      'dcv/de/text.liquid': 'Bitte bestätigen.',
      'dcv/de/html.liquid': '<a href="{{ link }}">ok</a>',
    });
    await expect(createRuntime({ ...base, templatesDir: noLink })).rejects.toThrow(
      /^REVERIFY_TEMPLATES_DIR: dcv\/de\/text\.liquid: lacks \{\{ link \}\}, the confirmation link$/,
    );
    const broken = templatesDir('broken', { ...template('dcv/en', 'DCV'), 'dcv/en/html.liquid': '{% if link %}<a href="{{ link }}">' });
    await expect(createRuntime({ ...base, templatesDir: broken })).rejects.toThrow(
      /^REVERIFY_TEMPLATES_DIR: dcv\/en\/html\.liquid: does not parse: /,
    );
    const hidden = templatesDir('hidden', { ...template('dcv/en', 'DCV'), 'dcv/en/html.liquid': '{% if false %}{{ link }}{% endif %}' });
    await expect(createRuntime({ ...base, templatesDir: hidden })).rejects.toThrow(/html\.liquid: renders without the link/);
    const raw = templatesDir('raw', { ...template('dcv/en', 'DCV'), 'dcv/en/html.liquid': '{{ link }} {{ first_name | raw }}' });
    await expect(createRuntime({ ...base, templatesDir: raw })).rejects.toThrow(/html\.liquid: uses the raw filter/);
    const typo = templatesDir('typo', { ...template('dcv/en', 'DCV'), 'dcv/en/subjet.liquid': 'x' });
    await expect(createRuntime({ ...base, templatesDir: typo })).rejects.toThrow(/dcv\/en\/subjet\.liquid: not a template part/);
    const include = templatesDir('include', {
      ...template('dcv/en', 'DCV'),
      'dcv/en/text.liquid': "{{ link }} {% include '/etc/passwd' %}",
    });
    await expect(createRuntime({ ...base, templatesDir: include })).rejects.toThrow(/text\.liquid: .*(not found|ENOENT|Failed)/i);

    const started = await reverifyCli(['start', '--port', '0'], {
      REVERIFY_TEMPLATES_DIR: noLink,
      REVERIFY_DATABASE_URL: `sqlite:${join(root, 'cli.db')}`,
      REVERIFY_ADMIN_TOKEN: 'test-admin-token-0123456789',
      REVERIFY_SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
    });
    expect([started.code, started.stderr]).toEqual([
      2,
      'reverify: REVERIFY_TEMPLATES_DIR: dcv/de/text.liquid: lacks {{ link }}, the confirmation link\n',
    ]);
    const checked = await reverifyCli(['templates', 'check', noLink]);
    expect([checked.code, checked.stderr]).toEqual([2, 'reverify: dcv/de/text.liquid: lacks {{ link }}, the confirmation link\n']);
    const good = templatesDir('good', {
      ...template('dcv/en', 'Approve {{ domains }}'),
      ...template('accounts/acme/sets/3/dcv/fr', 'Approuver'),
    });
    expect((await reverifyCli(['templates', 'check', good])).stdout).toBe(`${good}: 2 templates OK\n`);
    const preview = await reverifyCli(['templates', 'preview', 'dcv', 'en_GB', '--dir', good]);
    expect(preview.stdout).toMatch(/^Subject: Approve example\.com, www\.example\.com\nLocale: en\n/);
    expect(preview.stdout).toContain('<a href="https://reverify.example/verify?token=SAMPLE-TOKEN">');
    const set = await reverifyCli([
      'templates',
      'preview',
      'dcv',
      'fr',
      '--dir',
      good,
      '--account',
      'acme',
      '--set',
      '3',
      '--part',
      'subject',
    ]);
    expect(set.stdout).toBe('Approuver\n');
    const builtin = await reverifyCli(['templates', 'preview', 'smime_mailbox', 'de', '--part', 'subject']);
    expect(builtin.stdout).not.toBe('');
  });
});
