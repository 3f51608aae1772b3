import type Database from 'better-sqlite3';
import type { CommitResult, Page } from '../../core/ports.js';
import * as rows from '../rows.js';
import type { Where } from '../sql-where.js';
import type { Db } from './database.js';
import { WriteQueue } from './write-queue.js';

export type Row = Record<string, unknown>;

/** Refuses a write batch cleanly: thrown before the batch has written anything. */
export class Abort extends Error {
  constructor(readonly result: CommitResult) {
    super('abort');
  }
}

/** One SQLite connection: cached statements, reads, and the group-commit queue every write goes through. */
export class SqliteConnection {
  private readonly statements = new Map<string, Database.Statement<unknown[]>>();

  protected readonly writes: WriteQueue;

  constructor(readonly db: Db) {
    this.writes = new WriteQueue(db, (e) => e instanceof Abort);
  }

  protected stmt(sql: string) {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[]>(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  protected all(sql: string, ...params: unknown[]): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }

  protected one(sql: string, ...params: unknown[]): Row | undefined {
    return this.stmt(sql).get(...params) as Row | undefined;
  }

  protected insert(table: string, row: Row): void {
    const cols = Object.keys(row);
    this.stmt(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
  }

  protected page<T extends { id: string }>(table: string, where: Where, limit: number, map: (r: Row) => T): Page<T> {
    const sql = `SELECT * FROM ${table} ${where} ORDER BY id DESC LIMIT ?`;
    return rows.pageOf((this.stmt(sql).all(...where.params, limit + 1) as Row[]).map(map), limit);
  }
}
