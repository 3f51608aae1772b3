import { dirname, resolve } from 'node:path';
import { openPostgresStore } from '../store/postgres/store.js';
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
}

/** Opens the store named by REVERIFY_DATABASE_URL: a SQLite file, or a PostgreSQL database shared by every node. */
export const openStore = (options: StoreOptions): OpenedStore => {
  const { databaseUrl } = options;
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length).replace(/^\/\//, '');
    const file = path === ':memory:' ? ':memory:' : resolve(path);
    const opened = openSqliteStore(file);
    return { ...opened, dataDir: file === ':memory:' ? null : dirname(file) };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const opened = openPostgresStore({
      url: databaseUrl,
      poolSize: options.databasePoolSize,
      statementTimeoutMs: options.databaseStatementTimeout * 1000,
    });
    return { ...opened, dataDir: null };
  }
  throw new Error('REVERIFY_DATABASE_URL: must be sqlite:PATH or postgres://...');
};
