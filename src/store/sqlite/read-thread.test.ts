import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteConnection } from './connection.js';
import { type Db, openDatabase } from './database.js';

let dir: string;
let db: Db;
let c: SqliteConnection;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverify-read-thread-'));
  const file = join(dir, 'r.db');
  db = openDatabase(file);
  db.exec('CREATE TABLE t (status TEXT NOT NULL)');
  c = new SqliteConnection(db, file);
});
afterEach(async () => {
  await c.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = promisify(execFile);

const LONG_READ = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT count(*) AS n FROM n';

describe('reads off the event loop', () => {
  it('answer what the main connection would, committed writes included', async () => {
    await c.writes.run(() => {
      for (const s of ['queued', 'sent', 'sent']) c.stmt('INSERT INTO t (status) VALUES (?)').run(s);
    });
    const sql = 'SELECT status, count(*) AS n FROM t WHERE status <> ? GROUP BY status ORDER BY status';
    expect(await c.allOffThread(sql, 'none')).toEqual(c.all(sql, 'none'));
    expect(await c.allOffThread(sql, 'none')).toEqual([
      { status: 'queued', n: 1 },
      { status: 'sent', n: 2 },
    ]);
  });

  it('leave the event loop free while a long read runs', async () => {
    await c.allOffThread('SELECT 1 AS one'); // the thread is up: the ticks below come during the read
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      // On the main thread this read would finish before any timer could fire.
      const [row] = await c.allOffThread(LONG_READ);
      expect(row).toEqual({ n: 3_000_000 });
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
  });

  it('refuse anything but a read, report a bad statement as an error, and go on answering', async () => {
    await expect(c.allOffThread("INSERT INTO t (status) VALUES ('x')")).rejects.toThrow(/only reads/);
    await expect(c.allOffThread('SELECT nope FROM t')).rejects.toThrow(/no such column/);
    expect(await c.allOffThread('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
  });

  it('run on the main connection for an in-memory database, which no thread could open', async () => {
    const memory = openDatabase(':memory:');
    try {
      memory.exec('CREATE TABLE t (n INTEGER)');
      const here = new SqliteConnection(memory);
      expect(await here.allOffThread('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
      await here.close();
    } finally {
      memory.close();
    }
  });

  it('let a process that has read and closes its store finish its close, and a process that only idles end by itself', async () => {
    const store = JSON.stringify(new URL('./store.ts', import.meta.url).href);
    const file = JSON.stringify(join(dir, 'child.db'));
    // Before: closing waited for an unref'd thread to exit, so the process ended mid-close (exit 13, "closed" never printed).
    const closing = `
      const { openSqliteStore } = await import(${store});
      const { store, migrate } = openSqliteStore(${file});
      await migrate();
      console.log(JSON.stringify(await store.messages.queueDepth()));
      await store.health.close();
      console.log('closed');
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', closing], { timeout: 20_000 });
    expect(stdout.trim().split('\n').at(-1)).toBe('closed');
    const idling = `
      const { openSqliteStore } = await import(${store});
      const { store } = openSqliteStore(${file});
      console.log(JSON.stringify(await store.messages.queueDepth()));
    `;
    const idle = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', idling], { timeout: 20_000 });
    expect(JSON.parse(idle.stdout.trim())).toMatchObject({ queued: 0, sent: 0 });
  });

  it('refuse reads once the store is closed, rather than open the file again', async () => {
    expect(await c.allOffThread('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await c.close();
    await expect(c.allOffThread('SELECT 1 AS one')).rejects.toThrow(/closed/);
  });
});
