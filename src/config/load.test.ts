import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, SettingError } from './load.js';
import { envName } from './settings.js';

const dir = mkdtempSync(join(tmpdir(), 'reverify-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('settings', () => {
  it('names every environment variable REVERIFY_ + UPPER_SNAKE', () => {
    expect(envName('databaseUrl')).toBe('REVERIFY_DATABASE_URL');
    expect(envName('resendMaxPerDay')).toBe('REVERIFY_RESEND_MAX_PER_DAY');
    expect(envName('accountMaxPerHour')).toBe('REVERIFY_ACCOUNT_MAX_PER_HOUR');
  });

  it('defaults follow the service contract', () => {
    const s = loadSettings({ env: {} });
    expect(s).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      databaseUrl: 'sqlite:./data/reverify.db',
      smtpUrl: 'capture:',
      mailFrom: 'Reverify <no-reply@localhost>',
      publicUrl: 'http://127.0.0.1:8080',
      requireHttps: false,
      resendCooldown: 60,
      resendMaxPerDay: 10,
      accountMaxPerHour: 1000,
    });
  });

  it('flags win over environment, which wins over the file, which wins over defaults', () => {
    const yaml = file('c.yaml', 'port: 9000\nresendCooldown: 5\nmailFrom: "File <f@example.com>"\n');
    const s = loadSettings({ file: yaml, env: { REVERIFY_PORT: '9100', REVERIFY_RESEND_COOLDOWN: '7' }, flags: { port: '9200' } });
    expect(s.port).toBe(9200);
    expect(s.resendCooldown).toBe(7);
    expect(s.mailFrom).toBe('File <f@example.com>');
    const json = file('c.json', JSON.stringify({ resendPolicy: { dcv: 'rotate' }, dnsServers: ['127.0.0.1:5353'] }));
    const j = loadSettings({ file: json, env: {} });
    expect(j.resendPolicy.dcv).toBe('rotate');
    expect(j.resendPolicy.email_ownership).toBe('rotate-with-grace');
    expect(j.dnsServers).toEqual(['127.0.0.1:5353']);
    expect(loadSettings({ env: { REVERIFY_RESEND_POLICY: 'email_ownership=rotate' } }).resendPolicy.email_ownership).toBe('rotate');
  });

  it.each([
    [{ REVERIFY_PORT: 'eighty' }, 'REVERIFY_PORT: must be a whole number from 0 to 65535, got "eighty"'],
    [{ REVERIFY_DATABASE_URL: 'mysql://x' }, 'REVERIFY_DATABASE_URL: must be sqlite:PATH or postgres://..., got "mysql://x"'],
    [{ REVERIFY_SMTP_URL: 'http://x' }, 'REVERIFY_SMTP_URL: must start with smtp: or smtps:, got http:'],
    [{ REVERIFY_REQUIRE_HTTPS: 'yes' }, 'REVERIFY_REQUIRE_HTTPS: must be true or false, got "yes"'],
    [{ REVERIFY_RESEND_COOLDOWN: '-1' }, 'REVERIFY_RESEND_COOLDOWN: must be a whole number from 0 to 86400, got "-1"'],
    [{ REVERIFY_ADMIN_TOKEN: 'short' }, 'REVERIFY_ADMIN_TOKEN: must be at least 16 characters'],
    [{ REVERIFY_RESEND_POLICY: 'dcv=sometimes' }, 'REVERIFY_RESEND_POLICY: policy must be one of reuse, rotate, rotate-with-grace'],
    [{ REVERIFY_MAIL_FROM: 'a@b.c\r\nBcc: x@y.z' }, 'REVERIFY_MAIL_FROM: must be one address, e.g. "Reverify <no-reply@example.com>"'],
  ])('a bad setting is one clear line naming it: %j', (env, message) => {
    expect(() => loadSettings({ env })).toThrow(SettingError);
    expect(() => loadSettings({ env })).toThrow(message);
  });

  it('refuses unknown keys and unreadable files', () => {
    expect(() => loadSettings({ file: file('bad.json', '{"prot": 1}'), env: {} })).toThrow(/prot: is not a setting/);
    expect(() => loadSettings({ file: file('bad2.json', '{'), env: {} })).toThrow(/is not valid JSON/);
    expect(() => loadSettings({ file: join(dir, 'missing.yaml'), env: {} })).toThrow(/cannot read/);
  });
});
