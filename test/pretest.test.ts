import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'reverify-pretest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A PATH holding only what the script needs, plus the given fake commands. */
const fakePath = (name: string, fakes: Record<string, string>) => {
  const bin = join(dir, name);
  mkdirSync(bin);
  for (const tool of ['id']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
  for (const [command, body] of Object.entries(fakes)) {
    writeFileSync(join(bin, command), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, command), 0o755);
  }
  return bin;
};

const pretest = (path: string, chromium: string) =>
  new Promise<{ code: number; out: string }>((resolve) => {
    execFile('/bin/bash', ['scripts/ensure-chromium.sh'], { env: { PATH: path, REVERIFY_CHROMIUM: chromium } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code) : 0, out: stdout + stderr }),
    );
  });

describe('npm pretest: the browser for the browser tests', () => {
  it('is what npm test runs first', () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scripts.pretest).toBe('bash scripts/ensure-chromium.sh');
  });

  it('present: nothing to do', async () => {
    const chromium = join(dir, 'present-chromium');
    writeFileSync(chromium, '');
    chmodSync(chromium, 0o755);
    expect(await pretest(fakePath('present', {}), chromium)).toEqual({ code: 0, out: '' });
  });

  it('missing, apt-get usable: runs apt-get update and install -y chromium, saying so', async () => {
    const chromium = join(dir, 'installed-chromium');
    const log = join(dir, 'apt.log');
    const bin = fakePath('apt', {
      'apt-get': `echo "$*" >> ${log}; if [ "$1" = install ]; then : > ${chromium}; /bin/chmod +x ${chromium}; fi`,
      // When the tests do not run as root, the script goes through passwordless sudo.
      sudo: '[ "$1" = -n ] && shift; [ "$#" -eq 0 ] || [ "$1" = true ] || exec "$@"',
    });
    const r = await pretest(bin, chromium);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/pretest: running: (sudo -n )?apt-get update && (sudo -n )?apt-get install -y chromium/);
    expect(r.out).toContain(`pretest: installed ${chromium}`);
    expect(readFileSync(log, 'utf8')).toBe('update\ninstall -y chromium\n');
  });

  it('missing and not installable: fails loudly, never skips the browser tests', async () => {
    const chromium = join(dir, 'never-chromium');
    const none = await pretest(fakePath('none', {}), chromium);
    expect(none.code).toBe(1);
    expect(none.out).toContain('FAILED: cannot install chromium here');
    const broken = await pretest(
      fakePath('broken', { 'apt-get': 'exit 0', sudo: '[ "$1" = -n ] && shift; [ "$#" -eq 0 ] || [ "$1" = true ] || exec "$@"' }),
      chromium,
    );
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`FAILED: apt-get install finished, but ${chromium} is still missing.`);
    expect(existsSync(chromium)).toBe(false);
  });
});
