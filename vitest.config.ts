import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The examples import the package by its public name; here it is this checkout's source.
  resolve: { alias: { 'reverify/sandbox': new URL('./src/sandbox/index.ts', import.meta.url).pathname } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/vitest/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/reporters/summary-line.ts'],
  },
});
