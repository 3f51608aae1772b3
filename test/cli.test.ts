import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { program } from '../src/cli/main.js';
import { reverifyCli } from './helpers/cli.js';
import { ADMIN_TOKEN, startService } from './helpers/service.js';

const dir = mkdtempSync(join(tmpdir(), 'reverify-cli-'));
const env = {
  REVERIFY_DATABASE_URL: `sqlite:${join(dir, 'reverify.db')}`,
  REVERIFY_ADMIN_TOKEN: ADMIN_TOKEN,
  REVERIFY_SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
};

const reverify = (args: string[], extraEnv: Record<string, string> = {}) => reverifyCli(args, { ...env, ...extraEnv });

const fixture = JSON.parse(readFileSync('docs/fixtures.example.json', 'utf8'));
const writeFixture = (name: string, data: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(data));
  return path;
};

describe('the reverify command', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a bad fixture file whole, naming the entry and field, and writes nothing', async () => {
    const bad = structuredClone(fixture);
    bad.orders[1].domains = 'example.com';
    const r = await reverify(['seed', writeFixture('bad.json', bad)]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('reverify: orders[1] (1234567): orders[1].domains must be array');
    const unknownAccount = structuredClone(fixture);
    unknownAccount.emailVerifications[0].account = 'nobody';
    const r2 = await reverify(['seed', writeFixture('bad2.json', unknownAccount)]);
    expect(r2.stderr.trim()).toBe(
      "reverify: emailVerifications[0] (test1@example.org): account 'nobody' is neither in the file nor in the store",
    );
    const badState = structuredClone(fixture);
    badState.users[0].state = 'sleeping';
    expect((await reverify(['seed', writeFixture('bad3.json', badState)])).stderr).toMatch(
      /^reverify: users\[0\] \(jane.saoirse@example.com\): state '/,
    );
    expect((await reverify(['accounts', 'list'])).stdout).toBe('');
  });

  it('seeds the example fixture, sends the first emails, and is idempotent', async () => {
    const path = writeFixture('good.json', fixture);
    const first = await reverify(['seed', path]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('seeded: 1 accounts, 4 subjects, 0 already present\n');
    const second = await reverify(['seed', path]);
    expect(second.stdout).toBe('seeded: 0 accounts, 0 subjects, 5 already present\n');
    const svc = await startService({}, { courier: false, dir });
    try {
      const inbox = await svc.call('GET', '/v1/inbox?limit=100');
      expect(inbox.json.items.map((m: { to: string }) => m.to).sort()).toEqual(
        ['admin@example.com', 'alice.backup@example.com', 'alice@example.com', 'jane.saoirse@example.com', 'test1@example.org'].sort(),
      );
      // The fixture's API key and login work; the seeded order belongs to its account.
      const orders = await svc.call('GET', '/v1/orders', undefined, 'DC0123456789ABCDEF0123456789ABCD');
      expect(orders.json.items.map((o: { order_number: string }) => o.order_number).sort()).toEqual(['123456789', '1234567'].sort());
      expect((await svc.rt.store.accounts.findAccountByLogin('acme_api'))?.passwordHash).toMatch(/^scrypt\$/);
      expect(await svc.rt.accounts.accessKeySecret('LTAI5tAcmeExample01')).toMatchObject({
        secret: 'acmeAccessSecret0123456789',
        active: true,
      });
    } finally {
      await svc.close();
    }
  });

  it('manages accounts and keys; a new key is printed once', async () => {
    const created = await reverify(['accounts', 'create', 'initech', '--login', 'initech_api'], {
      REVERIFY_LOGIN_PASSWORD: 'Initech-Pass-1',
    });
    expect(created.stdout).toMatch(/^[0-9a-f-]{36}\tinitech\n$/);
    expect((await reverify(['accounts', 'list'])).stdout).toMatch(/\tinitech\tinitech_api\n/);
    const key = await reverify(['keys', 'create', 'initech', '--role', '102']);
    const [, id, secret] = /^id: (\S+)\nkey \(shown once\): (rvk_\S+)\n$/.exec(key.stdout) ?? [];
    expect(secret).toBeDefined();
    expect((await reverify(['keys', 'revoke', 'initech', id ?? ''])).stdout).toBe(`revoked ${id}\n`);
    const missing = await reverify(['keys', 'create', 'nobody']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('reverify: ACCOUNT_NOT_FOUND: No such account.\n');
  });

  it('migrate reports an up-to-date schema; a bad setting stops with one line', async () => {
    expect((await reverify(['migrate'])).stdout).toBe('schema is up to date\n');
    const bad = await reverify(['start'], { REVERIFY_SMTP_URL: 'http://mail' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('reverify: REVERIFY_SMTP_URL: must start with smtp: or smtps:, got http:\n');
    const port = await reverify(['start', '--port', 'x']);
    expect(port.stderr).toMatch(/option '--port <port>' argument 'x' is invalid/);
  });

  it('lists verifications as lines or JSON, filtered; lists keys; creates and revokes access keys', async () => {
    const all = await reverify(['verifications', 'list', '--json']);
    const items = JSON.parse(all.stdout) as { recipient: string; state: string; purpose: string; account_id: string | null }[];
    expect(items.map((v) => v.recipient).sort()).toEqual(
      ['admin@example.com', 'alice.backup@example.com', 'alice@example.com', 'jane.saoirse@example.com', 'test1@example.org'].sort(),
    );
    const dcv = await reverify(['verifications', 'list', '--purpose', 'dcv', '--state', 'pending', '--account', 'acme']);
    expect(dcv.stdout.trim().split('\n')).toHaveLength(1);
    expect(dcv.stdout).toMatch(/^[0-9a-f-]{36}\tpending\tdcv\tadmin@example\.com\t[0-9a-f-]{36}\t\S+Z\t1\t\S+Z\n$/);
    expect((await reverify(['verifications', 'list', '--older-than', '1h'])).stdout).toBe('');
    const bad = await reverify(['verifications', 'list', '--older-than', 'soon']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('must be a duration such as 30m, 1h or 2d');

    expect((await reverify(['keys', 'list', 'acme'])).stdout).toMatch(/^[0-9a-f-]{36}\t0\t\t…ABCD\t\S+Z\t\n$/);
    const created = await reverify(['access-keys', 'create', 'acme']);
    const [, id, secret] = /^AccessKeyId: (LTAI\w+)\nAccessKeySecret \(shown once\): (\S+)\n$/.exec(created.stdout) ?? [];
    expect(secret).toBeDefined();
    expect((await reverify(['access-keys', 'list', 'acme'])).stdout).toContain(`${id}\t`);
    expect((await reverify(['access-keys', 'revoke', 'acme', id ?? ''])).stdout).toBe(`revoked ${id}\n`);
    expect((await reverify(['access-keys', 'list', 'acme'])).stdout).toMatch(new RegExp(`${id}\\t\\S+Z\\t\\S+Z\\n`));
  });

  it('prints its version, and help for every command', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect((await reverify(['--version'])).stdout).toBe(`${pkg.version}\n`);
    const walk = (c: Command): Command[] => [c, ...c.commands.flatMap(walk)];
    for (const c of walk(program)) expect(c.description(), `reverify ${c.name()} has a description`).not.toBe('');
    const help = await reverify(['resend', '--help']);
    expect(help.stdout).toContain('--older-than <duration>');
    expect(help.stdout).toContain('--rate <n/s>');
  });
});

describe('reverify sandbox', () => {
  it('prints the variables to export, serves the sandbox they name, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'sandbox'], {
      env: { ...process.env, REVERIFY_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    try {
      const vars: Record<string, string> = {};
      for await (const line of createInterface({ input: child.stdout })) {
        const m = /^export (\w+)=(.*)$/.exec(line);
        if (m?.[1] && m[2] !== undefined) vars[m[1]] = m[2];
        if (line.startsWith('# captured mail')) break;
      }
      expect(vars.REVERIFY_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(vars.SECTIGO_BASE_URL).toBe(`${vars.REVERIFY_URL}/products`);
      const inbox = await fetch(`${vars.REVERIFY_URL}/v1/inbox`, { headers: { authorization: `Bearer ${vars.REVERIFY_ADMIN_TOKEN}` } });
      expect(inbox.status).toBe(200);
      const dcv = await fetch(`${vars.SECTIGO_BASE_URL}/!ResendDCVEmail`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          loginName: vars.SECTIGO_LOGIN_NAME ?? '',
          loginPassword: vars.SECTIGO_LOGIN_PASSWORD ?? '',
          orderNumber: '1234567',
        }),
      });
      expect(await dcv.text()).toBe('errorCode=0');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
