import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteMigrations } from './migrations.js';

export type Db = Database.Database;

export const durabilities = ['normal', 'full'] as const;
/** What a commit survives: the process dying (`normal`), or the machine losing power too (`full`). */
export type Durability = (typeof durabilities)[number];

/**
 * Opens (creating the directory and an owner-only file) with WAL, so readers never wait for the writer.
 * `normal` durability (synchronous=NORMAL) loses nothing committed when the process dies; `full`
 * (synchronous=FULL) fsyncs the WAL at every commit, so nothing committed is lost on a power loss
 * either. Group commit (write-queue.ts) pays that fsync once per group of writes, not per request.
 */
export const openDatabase = (file: string, durability: Durability = 'normal'): Db => {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true });
    // Owner-only, like secret.key: the database holds hashes and sealed values. SQLite gives its
    // -wal and -shm files the database file's mode.
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
  }
  const db = new Database(file);
  intoWal(db);
  db.pragma(durability === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // A 16 MiB page cache (the default is 2 MiB): fewer reads on the hot paths.
  db.pragma('cache_size = -16384');
  db.pragma('temp_store = MEMORY');
  return db;
};

/**
 * `journal_mode = WAL`, tried again while SQLite refuses it as busy. Two processes opening a new file
 * at once (two CLI commands, a node and `reverify migrate`) both switch it from its rollback journal;
 * SQLite refuses one of them at once, without the busy timeout, rather than let both wait on each other.
 */
export const intoWal = (db: Pick<Db, 'pragma'>, waitMs = 5000, stepMs = 10): void => {
  for (let waited = 0; ; waited += stepMs) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY' || waited >= waitMs) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, stepMs);
    }
  }
};

const ensureHistory = (db: Db) =>
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');

const appliedIds = (db: Db): Set<number> =>
  new Set((db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id));

/** Applies every pending migration, each in its own transaction; returns the ids applied. */
export const migrate = (db: Db, migrations: readonly { id: number; name: string; sql: string }[] = sqliteMigrations): number[] => {
  ensureHistory(db);
  const done = appliedIds(db);
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    // Checked again under the write lock: another process starting on the same file may have applied it meanwhile.
    const ran = db
      .transaction(() => {
        if (db.prepare('SELECT 1 FROM schema_migrations WHERE id = ?').get(m.id)) return false;
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, Date.now());
        return true;
      })
      .immediate();
    if (ran) applied.push(m.id);
  }
  return applied;
};

export const isMigrated = (db: Db): boolean => {
  ensureHistory(db);
  const done = appliedIds(db);
  return sqliteMigrations.every((m) => done.has(m.id));
};
