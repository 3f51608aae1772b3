import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Unavailable } from '../../core/unavailable.js';
import { type Db, openDatabase } from './database.js';
import { WriteQueue } from './write-queue.js';

let dir: string;
let db: Db;
let other: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reverify-write-queue-'));
  db = openDatabase(join(dir, 'q.db'));
  db.exec('CREATE TABLE t (n INTEGER NOT NULL)');
  other = openDatabase(join(dir, 'q.db'));
});
afterEach(() => {
  other.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
const insert = (n: number) => () => db.prepare('INSERT INTO t (n) VALUES (?)').run(n).changes;

describe('group commit while another connection holds the write lock', () => {
  it('waits on the event loop, not in the busy handler: timers run meanwhile, and writes queued meanwhile join the group', async () => {
    const queue = new WriteQueue(db, () => false);
    other.exec('BEGIN IMMEDIATE');
    const first = queue.run(insert(1));
    // Before: BEGIN IMMEDIATE slept in SQLite's busy handler, so no timer could fire until the lock was free.
    let ticks = 0;
    while (ticks < 20) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      ticks++;
    }
    const second = queue.run(insert(2));
    expect(count()).toBe(0);
    expect(queue.commits).toBe(0);
    other.exec('COMMIT');
    await expect(Promise.all([first, second])).resolves.toEqual([1, 1]);
    expect(count()).toBe(2);
    expect(queue.commits).toBe(1);
    expect(queue.lockWaits).toBe(1);
    // The connection's own busy timeout is back for every other statement.
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('after the non-blocking wait, the busy timeout decides: the group is refused as unavailable (SQLITE_BUSY), nothing written, and the queue goes on', async () => {
    db.pragma('busy_timeout = 20');
    const queue = new WriteQueue(db, () => false, 50);
    other.exec('BEGIN IMMEDIATE');
    const refused = queue.run(insert(1));
    const error = await refused.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Unavailable);
    expect((error as Error).cause).toMatchObject({ code: 'SQLITE_BUSY' });
    other.exec('ROLLBACK');
    expect(count()).toBe(0);
    await expect(queue.run(insert(2))).resolves.toBe(1);
    expect(count()).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(20);
  });

  it('a write that fails mid-group rolls the group back and each write runs again alone', async () => {
    const queue = new WriteQueue(db, () => false);
    const results = await Promise.allSettled([
      queue.run(insert(1)),
      queue.run(() => {
        insert(2)();
        throw new Error('half done');
      }),
      queue.run(insert(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((db.prepare('SELECT n FROM t ORDER BY n').all() as { n: number }[]).map((r) => r.n)).toEqual([1, 3]);
    expect(db.inTransaction).toBe(false);
  });
});
