import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('the Jest example (examples/jest)', () => {
  it('passes under Jest, importing reverify/sandbox as a project that installed Reverify does', { timeout: 120_000 }, async () => {
    // `reverify/sandbox` resolves through the package's own exports to dist/ (built by npm ci's prepare).
    const { stderr } = await run(
      process.execPath,
      ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--ci', '--rootDir', 'examples/jest', '--testMatch', '**/*.test.mjs'],
      { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 110_000 },
    );
    expect(stderr).toMatch(/Tests:\s+2 passed, 2 total/);
  });
});
