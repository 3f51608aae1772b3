import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSettings, SettingError } from '../../config/load.js';
import { openStore } from '../../runtime/store-factory.js';
import { openDatabase } from './database.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'reverify-durability-')), 'reverify.db');

describe('REVERIFY_DURABILITY', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('normal is synchronous=NORMAL, full is synchronous=FULL, both in WAL mode', () => {
    for (const [durability, level] of [
      ['normal', 1],
      ['full', 2],
    ] as const) {
      const db = openDatabase(file(), durability);
      expect([durability, db.pragma('journal_mode', { simple: true }), db.pragma('synchronous', { simple: true })]).toEqual([
        durability,
        'wal',
        level,
      ]);
      db.close();
    }
  });

  it('reaches the SQLite connection from the environment, and an unknown value is refused by name', async () => {
    const settings = loadSettings({ env: { REVERIFY_DURABILITY: 'full', REVERIFY_DATABASE_URL: `sqlite:${file()}` } });
    expect(settings.durability).toBe('full');
    expect(loadSettings({ env: {} }).durability).toBe('normal');
    const pragmas: string[] = [];
    const pragma = Database.prototype.pragma;
    vi.spyOn(Database.prototype, 'pragma').mockImplementation(function (
      this: Database.Database,
      source: string,
      options?: Database.PragmaOptions,
    ) {
      pragmas.push(source);
      return pragma.call(this, source, options);
    });
    const opened = await openStore(settings);
    await opened.migrate();
    await opened.store.health.close();
    // Set once, to FULL; the checkpointer reads it back to pace itself.
    expect(pragmas.filter((p) => p.startsWith('synchronous ='))).toEqual(['synchronous = FULL']);
    // The writer's own checkpoint bound, raised at the opening to full's.
    expect(pragmas).toContain('wal_autocheckpoint = 10000');
    expect(() => loadSettings({ env: { REVERIFY_DURABILITY: 'fsync' } })).toThrow(SettingError);
    expect(() => loadSettings({ env: { REVERIFY_DURABILITY: 'fsync' } })).toThrow(
      /^REVERIFY_DURABILITY: must be normal or full, got "fsync"$/,
    );
  });
});

describe('switching a new file to WAL', () => {
  const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });

  it('is tried again while SQLite refuses it as busy (another process switching the same file), then succeeds', async () => {
    const { intoWal } = await import('./database.js');
    let refusals = 3;
    const calls: string[] = [];
    const db = {
      pragma: (sql: string) => {
        calls.push(sql);
        if (refusals-- > 0) throw busy();
        return [{ journal_mode: 'wal' }];
      },
    };
    intoWal(db as never, 1000, 1);
    expect(calls).toEqual(Array(4).fill('journal_mode = WAL'));
  });

  it('gives up after its wait, and never retries another error', async () => {
    const { intoWal } = await import('./database.js');
    let calls = 0;
    expect(() =>
      intoWal(
        {
          pragma: () => {
            calls++;
            throw busy();
          },
        } as never,
        5,
        1,
      ),
    ).toThrow('database is locked');
    expect(calls).toBe(6);
    calls = 0;
    expect(() =>
      intoWal({
        pragma: () => {
          calls++;
          throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
        },
      } as never),
    ).toThrow('disk I/O error');
    expect(calls).toBe(1);
  });
});
