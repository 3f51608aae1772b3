// `npm ci` / `npm install` in a clone (and `npm run build`, with --required): builds dist/ when the TypeScript compiler is installed (the dev
// dependencies are). A production install (`npm ci --omit=dev`) has no compiler and skips this: it
// runs the dist/ built beforehand (in the image's build stage, or shipped in the package).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  if (process.argv.includes('--required')) {
    process.stderr.write('reverify: the TypeScript compiler is a dev dependency: npm ci (without --omit=dev) first\n');
    process.exit(1);
  }
  if (!existsSync('dist/cli/index.js'))
    process.stderr.write(
      'reverify: no TypeScript compiler and no dist/: build first (npm ci && npm run build), then install with --omit=dev\n',
    );
  process.exit(0);
}
// A clean build: files of deleted sources do not linger in dist/.
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
