import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { storeContract } from '../contract/index.js';
import { BackgroundCheckpointer, cadences } from './checkpointer.js';
import { migrate, openDatabase } from './database.js';
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

it('after a while of writes, a worker thread checkpoints the WAL into the database file, off the event loop', async () => {
  const { eventually } = await import('../../../test/helpers/eventually.js');
  const { seedOne } = await import('../contract/entities.js');
  const dir = mkdtempSync(join(tmpdir(), 'reverify-store-'));
  const file = join(dir, 'ckpt.db');
  const opened = openSqliteStore(file);
  await opened.migrate();
  for (let i = 0; i < 500; i++) await seedOne(opened.store);
  const before = statSync(file).size;
  for (let i = 0; i < 100; i++) await seedOne(opened.store);
  // The writer's own checkpoint now waits for 60,000 pages: what reaches the file from here is the worker's doing.
  await eventually(
    () => statSync(file).size,
    (size) => size > before,
  );
  await opened.store.health.close();
  rmSync(dir, { recursive: true, force: true });
});

it('the checkpointer paces itself by the durability the connection was opened with, and gives the WAL back to SQLite if its thread ends', async () => {
  const { eventually } = await import('../../../test/helpers/eventually.js');
  const dir = mkdtempSync(join(tmpdir(), 'reverify-store-'));
  const autocheckpoint = (db: ReturnType<typeof openDatabase>) => db.pragma('wal_autocheckpoint', { simple: true });
  // Stands for the real thread: writes down the pace it was given, then waits to be stopped.
  const recorder = `
const { parentPort, workerData } = require('node:worker_threads');
require('node:fs').writeFileSync(workerData.file + '.pace', JSON.stringify(workerData));
parentPort.on('message', () => parentPort.close());
`;
  try {
    expect(cadences.normal).not.toEqual(cadences.full);
    for (const durability of ['normal', 'full'] as const) {
      const file = join(dir, `${durability}.db`);
      const db = openDatabase(file, durability);
      const checkpointer = new BackgroundCheckpointer(db, file, recorder);
      // From the opening: no commit runs SQLite's own checkpoint while the thread is not started yet.
      expect(autocheckpoint(db)).toBe(cadences[durability].writerPages);
      expect(checkpointer.state()).toBe('idle');
      checkpointer.start();
      expect(checkpointer.state()).toBe('running');
      const pace = await eventually(
        () => {
          try {
            return JSON.parse(readFileSync(`${file}.pace`, 'utf8'));
          } catch {
            return null; // not written yet, or not whole yet
          }
        },
        (p) => p !== null,
      );
      expect([pace.busyMs, pace.restartFrames]).toEqual([cadences[durability].busyMs, cadences[durability].restartFrames]);
      await checkpointer.stop();
      // Stopped on purpose: the bound stays, and nothing died.
      expect(autocheckpoint(db)).toBe(cadences[durability].writerPages);
      expect(checkpointer.state()).toBe('idle');
      db.close();
    }
    for (const [name, script] of [
      ['throws', "throw new Error('the checkpointer thread died')"],
      ['exits', 'process.exit(0)'],
    ]) {
      const file = join(dir, `${name}.db`);
      const db = openDatabase(file);
      const checkpointer = new BackgroundCheckpointer(db, file, script);
      checkpointer.start();
      expect(autocheckpoint(db)).toBe(cadences.normal.writerPages);
      await eventually(
        () => autocheckpoint(db),
        (pages) => pages === 1000,
      );
      expect(checkpointer.state()).toBe('died');
      await checkpointer.stop();
      expect(checkpointer.state()).toBe('died');
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('a migration another process applied after this one read the history is skipped, not run twice', () => {
  const db = openDatabase(':memory:');
  const migrations = [
    // Stands for the other process: by the time migration 1 runs, migration 2 is already recorded.
    { id: 1, name: 'one', sql: "CREATE TABLE a (x); INSERT INTO schema_migrations VALUES (2, 'two', 0);" },
    { id: 2, name: 'two', sql: 'CREATE TABLE a (y);' },
    { id: 3, name: 'three', sql: 'CREATE TABLE b (z);' },
  ];
  expect(migrate(db, migrations)).toEqual([1, 3]);
  expect(migrate(db, migrations)).toEqual([]);
});
