import { execFile } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** `reverify seed` with an empty fixture: opens the store and the key as `start` does, then exits. */
const open = async (dir: string, env: Record<string, string> = {}) => {
  const file = join(dir, 'empty.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, '{}');
  return run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'seed', file], {
    env: { ...process.env, REVERIFY_DATABASE_URL: `sqlite:${join(dir, 'reverify.db')}`, REVERIFY_LOG_LEVEL: 'silent', ...env },
  }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
};

describe('a database and its server key belong together', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reverify-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a database restored without its secret.key refuses to start with one clear line, and creates no new key', async () => {
    expect((await open(dir)).code).toBe(0);
    renameSync(join(dir, 'secret.key'), join(dir, 'secret.key.bak'));
    const refused = await open(dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^reverify: REVERIFY_SECRET_KEY: .*secret\.key is missing/);
    const again = await open(dir);
    expect(again.code).toBe(2);
    renameSync(join(dir, 'secret.key.bak'), join(dir, 'secret.key'));
    expect((await open(dir)).code).toBe(0);
  });

  it('another key than the one the database was first used with is refused, with one line', async () => {
    const refused = await open(dir, { REVERIFY_SECRET_KEY: 'another-secret-key-0123456789abcdef0123' });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^reverify: REVERIFY_SECRET_KEY: this is not the server key the database was first used with/);
  });
});
