import { dirname, resolve } from 'node:path';
import { openSqliteStore } from '../store/sqlite/store.js';
import type { Store } from '../store/store.js';

export interface OpenedStore {
  store: Store;
  /** Where local state (the generated secret key) lives; null for a shared database. */
  dataDir: string | null;
  migrate(): Promise<number[]>;
}

/** Opens the store named by REVERIFY_DATABASE_URL. */
export const openStore = (databaseUrl: string): OpenedStore => {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length).replace(/^\/\//, '');
    const file = path === ':memory:' ? ':memory:' : resolve(path);
    const opened = openSqliteStore(file);
    return { ...opened, dataDir: file === ':memory:' ? null : dirname(file) };
  }
  throw new Error('REVERIFY_DATABASE_URL: PostgreSQL support is not built yet; use sqlite:PATH');
};
