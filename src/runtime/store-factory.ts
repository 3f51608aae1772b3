import { dirname, resolve } from 'node:path';
import type { Store } from '../core/ports.js';
import { SqliteStore } from '../store/sqlite/adapter.js';
import { migrate } from '../store/sqlite/database.js';

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
    const store = SqliteStore.open(file);
    return { store, dataDir: file === ':memory:' ? null : dirname(file), migrate: async () => migrate(store.db) };
  }
  throw new Error('REVERIFY_DATABASE_URL: PostgreSQL support is not built yet; use sqlite:PATH');
};
