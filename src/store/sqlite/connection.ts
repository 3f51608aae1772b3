import type Database from 'better-sqlite3';
import type { Page } from '../../core/page.js';
import type { CommitResult } from '../../core/unit-of-work.js';
import * as rows from '../rows.js';
import type { Where } from '../sql-where.js';
import type { Db } from './database.js';
import { ReadThread } from './read-thread.js';
import { WriteQueue } from './write-queue.js';

export type Row = rows.Row;

/** Rows to select from: `<with> SELECT ... FROM <from>`, the `with` clause taking `params`. */
export interface RowSource {
  with: string;
  from: string;
  params: unknown[];
}

export const wholeTable = (table: string): RowSource => ({ with: '', from: table, params: [] });

interface Shape {
  columns: readonly string[];
  statement: Database.Statement<unknown[]>;
}

const sameColumns = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((c, i) => c === b[i]);

/**
 * Refuses a write. `clean` when thrown before the write changed anything: the rest of its group
 * commit goes on; otherwise the group is rolled back and each of its writes run again alone.
 */
export class Abort extends Error {
  constructor(
    readonly result: CommitResult,
    readonly clean = true,
  ) {
    super('abort');
  }
}

export const isConstraintError = (e: unknown): boolean =>
  e instanceof Error && 'code' in e && String((e as { code: unknown }).code).startsWith('SQLITE_CONSTRAINT');

/** One SQLite connection, shared by every domain object of the adapter: cached statements, reads, and the group-commit queue. */
export class SqliteConnection {
  private readonly statements = new Map<string, Database.Statement<unknown[]>>();
  /** Inserts and versioned updates by table, each kept with its column list: no SQL is built per write. */
  private readonly inserts = new Map<string, Shape[]>();
  private readonly updates = new Map<string, Shape[]>();
  readonly writes: WriteQueue;
  /** Null for an in-memory database, which no other connection can open. */
  private readonly reader: ReadThread | null;

  constructor(
    readonly db: Db,
    file = ':memory:',
  ) {
    this.writes = new WriteQueue(db, (e) => e instanceof Abort && e.clean);
    this.reader = file === ':memory:' ? null : new ReadThread(file);
  }

  /** A read whose cost grows with the tables (a count over every message): on the read thread, so no request waits for it. */
  async allOffThread(sql: string, ...params: unknown[]): Promise<Row[]> {
    return this.reader ? this.reader.all(sql, params) : this.all(sql, ...params);
  }

  /** Ends the read thread, if one was started. */
  async close(): Promise<void> {
    await this.reader?.stop();
  }

  stmt(sql: string): Database.Statement<unknown[]> {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[]>(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  all(sql: string, ...params: unknown[]): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }

  one(sql: string, ...params: unknown[]): Row | undefined {
    return this.stmt(sql).get(...params) as Row | undefined;
  }

  /** The statement `sql` builds for `table` and `columns`, found again by comparing the columns (a table has few shapes). */
  private shaped(cache: Map<string, Shape[]>, table: string, columns: string[], sql: () => string): Database.Statement<unknown[]> {
    let shapes = cache.get(table);
    if (!shapes) {
      shapes = [];
      cache.set(table, shapes);
    }
    let shape = shapes.find((s) => sameColumns(s.columns, columns));
    if (!shape) {
      shape = { columns, statement: this.stmt(sql()) };
      shapes.push(shape);
    }
    return shape.statement;
  }

  insert(table: string, row: Row): Database.RunResult {
    const columns = Object.keys(row);
    return this.shaped(
      this.inserts,
      table,
      columns,
      () => `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
    ).run(row);
  }

  /** `UPDATE <table> SET <set's columns> WHERE id = <id> AND version = <version>`; the rows changed (0: the version moved on or the row is gone). */
  updateVersioned(table: string, set: Row, id: string, version: number): number {
    const columns = Object.keys(set);
    const statement = this.shaped(
      this.updates,
      table,
      columns,
      () => `UPDATE ${table} SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id AND version = @expected`,
    );
    return statement.run({ ...set, id, expected: version }).changes;
  }

  /**
   * A listing, newest first, on the read thread: a filter no index orders (messages by status, at
   * 1 M messages) sorts every match, about a second that no request should wait for.
   */
  async page<T extends { id: string }>(table: string | RowSource, where: Where, limit: number, map: (r: Row) => T): Promise<Page<T>> {
    const source = typeof table === 'string' ? wholeTable(table) : table;
    const sql = `${source.with} SELECT * FROM ${source.from} ${where} ORDER BY id DESC LIMIT ?`;
    return rows.pageOf((await this.allOffThread(sql, ...source.params, ...where.params, limit + 1)).map(map), limit);
  }

  /** `IN (?, ?, ...)` for a list of values. */
  static placeholders(values: readonly unknown[]): string {
    return values.map(() => '?').join(', ');
  }
}
