#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=25
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('reverify: dist/ is missing: run `npm run build` (it needs the dev dependencies: npm ci)\n');
  process.exit(1);
}
await import(entry.href);
