import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { storeContract } from '../contract/index.js';
import { openSqliteStore } from './store.js';

storeContract('sqlite (one file, two connections, WAL)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reverify-store-'));
  const file = join(dir, 'test.db');
  const a = openSqliteStore(file);
  await a.migrate();
  const b = openSqliteStore(file);
  return {
    a: a.store,
    b: b.store,
    async cleanup() {
      await a.store.health.close();
      await b.store.health.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

it('creates the database file readable by its owner only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reverify-store-'));
  const opened = openSqliteStore(join(dir, 'mode.db'));
  await opened.migrate();
  expect(statSync(join(dir, 'mode.db')).mode & 0o777).toBe(0o600);
  expect(statSync(join(dir, 'mode.db-wal')).mode & 0o777).toBe(0o600);
  await opened.store.health.close();
  rmSync(dir, { recursive: true, force: true });
});
