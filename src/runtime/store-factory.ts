import { dirname, resolve } from 'node:path';
import type { Durability } from '../store/sqlite/database.js';
import { openSqliteStore } from '../store/sqlite/store.js';
import type { Store } from '../store/store.js';

export interface OpenedStore {
  store: Store;
  /** Where local state (the generated secret key) lives; null for a shared database. */
  dataDir: string | null;
  migrate(): Promise<number[]>;
}

export interface StoreOptions {
  databaseUrl: string;
  databasePoolSize: number;
  databaseStatementTimeout: number;
  /** SQLite only: PostgreSQL's durability is the server's own (`synchronous_commit`, on by default). */
  durability?: Durability;
}

/** Opens the store named by REVERIFY_DATABASE_URL: a SQLite file, or a PostgreSQL database shared by every node. */
export const openStore = async (options: StoreOptions): Promise<OpenedStore> => {
  const { databaseUrl } = options;
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length).replace(/^\/\//, '');
    const file = path === ':memory:' ? ':memory:' : resolve(path);
    const opened = openSqliteStore(file, options.durability);
    return { ...opened, dataDir: file === ':memory:' ? null : dirname(file) };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    // Loaded only for PostgreSQL: a SQLite node never carries the driver.
    const { openPostgresStore } = await import('../store/postgres/store.js');
    const opened = openPostgresStore({
      url: databaseUrl,
      poolSize: options.databasePoolSize,
      statementTimeoutMs: options.databaseStatementTimeout * 1000,
    });
    return { ...opened, dataDir: null };
  }
  throw new Error('REVERIFY_DATABASE_URL: must be sqlite:PATH or postgres://...');
};
