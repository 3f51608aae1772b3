import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const serversDir = join(import.meta.dirname, '..', 'servers');
/**
 * Two levels below the checkout, as src/cli and src/ui are: paths a module resolves from itself
 * (../../package.json, ../../docs/) still land; packages resolve from the checkout's node_modules.
 */
export const builtDir = join(import.meta.dirname, '..', '..', 'node_modules', '.reverify-bench');

let built: Promise<void> | null = null;

/**
 * Compiles the bench servers (and the sources they import) to plain JavaScript, so that each runs on
 * plain `node` as a deployment does: under a TypeScript loader every server carried the loader's own
 * thread and caches, about 55 MB of RSS that no deployment has. Packages stay imports from
 * node_modules; once per run.
 */
export const buildServers = (): Promise<void> => {
  built ??= (async () => {
    mkdirSync(builtDir, { recursive: true });
    const entries = readdirSync(serversDir).filter((f) => f.endsWith('.ts'));
    await build({
      entryPoints: entries.map((f) => join(serversDir, f)),
      outdir: builtDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      keepNames: true,
      logLevel: 'warning',
    });
    // Loader hooks a server registers by a path next to itself.
    for (const f of readdirSync(serversDir).filter((f) => f.endsWith('.mjs'))) copyFileSync(join(serversDir, f), join(builtDir, f));
  })();
  return built;
};

/** The compiled form of `servers/<script>`. */
export const builtServer = (script: string): string => join(builtDir, script.replace(/\.ts$/, '.mjs'));
