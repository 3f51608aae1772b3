import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContract } from '../contract.js';
import { SqliteStore } from './adapter.js';
import { migrate } from './database.js';

storeContract('sqlite (file, WAL)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reverify-store-'));
  const store = SqliteStore.open(join(dir, 'test.db'));
  migrate(store.db);
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
