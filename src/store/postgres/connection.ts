import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Page } from '../../core/page.js';
import { Unavailable } from '../../core/unavailable.js';
import * as rows from '../rows.js';
import type { Where } from '../sql-where.js';

export type Row = rows.Row;

export interface PgOptions {
  url: string;
  /** Connections per node. */
  poolSize: number;
  /** Longest a statement, a wait for a connection or a connection attempt may take. */
  statementTimeoutMs: number;
}

/** How the domain objects talk to PostgreSQL: SQL with `?` placeholders, run as prepared statements. */
export interface Querier {
  rows(sql: string, ...params: unknown[]): Promise<Row[]>;
  one(sql: string, ...params: unknown[]): Promise<Row | undefined>;
  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, ...params: unknown[]): Promise<number>;
}

/** SQLSTATE classes and codes that say a write lost a race: unique or other constraint, serialization, deadlock. */
export const isConflict = (e: unknown): boolean => {
  const code = e instanceof pg.DatabaseError ? (e.code ?? '') : '';
  return code.startsWith('23') || code === '40001' || code === '40P01';
};

/**
 * Errors that mean the database is not there (rather than a wrong statement): connection refused,
 * reset or ended, no answer within the timeout, the server shutting down or out of resources.
 */
const isUnavailable = (e: unknown): boolean => {
  if (e instanceof pg.DatabaseError) {
    const code = e.code ?? '';
    return code.startsWith('08') || code.startsWith('53') || code.startsWith('57P') || code === '57014';
  }
  return e instanceof Error;
};

/** The server refused the URL's credentials or database: a setting to fix, said in one line (a restart will not help). */
const isRefusedLogin = (e: unknown): boolean => e instanceof pg.DatabaseError && ((e.code ?? '').startsWith('28') || e.code === '3D000');

const unavailable = (e: unknown): unknown => {
  if (e instanceof Unavailable) return e;
  if (isRefusedLogin(e)) return new Unavailable(`REVERIFY_DATABASE_URL: ${(e as Error).message}`, { cause: e });
  return isUnavailable(e) ? new Unavailable(`database unavailable: ${(e as Error).message}`, { cause: e }) : e;
};

/** `?` placeholders to `$1, $2, ...`, with a prepared-statement name derived from the text. */
const prepared = new Map<string, { name: string; text: string }>();
const statement = (sql: string) => {
  let s = prepared.get(sql);
  if (!s) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    s = { name: `r${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`, text };
    prepared.set(sql, s);
  }
  return s;
};

/** BIGINT (epoch milliseconds, counts) as numbers: every value fits a double exactly. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

class ClientQuerier implements Querier {
  constructor(private readonly client: pg.PoolClient | pg.Pool) {}

  async rows(sql: string, ...params: unknown[]): Promise<Row[]> {
    try {
      return (await this.client.query<Row>({ ...statement(sql), values: params })).rows;
    } catch (e) {
      throw unavailable(e);
    }
  }

  async one(sql: string, ...params: unknown[]): Promise<Row | undefined> {
    return (await this.rows(sql, ...params))[0];
  }

  async run(sql: string, ...params: unknown[]): Promise<number> {
    try {
      return (await this.client.query({ ...statement(sql), values: params })).rowCount ?? 0;
    } catch (e) {
      throw unavailable(e);
    }
  }
}

/** Thrown inside a transaction to roll it back and answer `value` instead. */
export class Rollback<T> extends Error {
  constructor(readonly value: T) {
    super('rollback');
  }
}

/** One pool, shared by every domain object of the adapter. Each statement outside `tx` takes any free connection. */
export class PgConnection implements Querier {
  readonly pool: pg.Pool;
  private readonly direct: Querier;

  constructor(readonly options: PgOptions) {
    const timeout = options.statementTimeoutMs;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      application_name: 'reverify',
      types,
      // Server side: a statement (or a lock wait) longer than this is cancelled.
      statement_timeout: timeout,
      idle_in_transaction_session_timeout: timeout * 2,
      // Client side, for a server that does not answer at all: the connection is dropped.
      query_timeout: timeout + 1000,
      connectionTimeoutMillis: timeout,
      keepAlive: true,
    });
    // An idle connection that breaks (the server restarted) is dropped by the pool; the next use opens another.
    this.pool.on('error', () => undefined);
    this.direct = new ClientQuerier(this.pool);
  }

  rows(sql: string, ...params: unknown[]) {
    return this.direct.rows(sql, ...params);
  }

  one(sql: string, ...params: unknown[]) {
    return this.direct.one(sql, ...params);
  }

  run(sql: string, ...params: unknown[]) {
    return this.direct.run(sql, ...params);
  }

  /** A connection of the pool for `fn`; a connection that failed is closed rather than reused. */
  async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw unavailable(e);
    }
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (e) {
      if (!(e instanceof pg.DatabaseError) && !(e instanceof Rollback)) broken = e instanceof Error ? e : new Error(String(e));
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Runs `fn` in one READ COMMITTED transaction on one connection: committed when it returns,
   * rolled back when it throws. A `Rollback` answers its value after rolling back.
   */
  async tx<T>(fn: (q: Querier) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      const q = new ClientQuerier(client);
      await q.run('BEGIN');
      try {
        const value = await fn(q);
        await q.run('COMMIT');
        return value;
      } catch (e) {
        await q.run('ROLLBACK').catch(() => undefined);
        if (e instanceof Rollback) return e.value as T;
        throw e;
      }
    });
  }

  async page<T extends { id: string }>(table: string, where: Where, limit: number, map: (r: Row) => T): Promise<Page<T>> {
    const sql = `SELECT * FROM ${table} ${where} ORDER BY id DESC LIMIT ?`;
    return rows.pageOf((await this.rows(sql, ...where.params, limit + 1)).map(map), limit);
  }

  /** `INSERT INTO table (cols) VALUES (...), (...)`: many rows of one shape in one statement. */
  static insertSql(table: string, batch: Row[]): { sql: string; params: unknown[] } {
    const cols = Object.keys(batch[0] ?? {});
    const tuple = `(${cols.map(() => '?').join(', ')})`;
    return {
      sql: `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')}`,
      params: batch.flatMap((r) => cols.map((c) => r[c])),
    };
  }

  static async insert(q: Querier, table: string, batch: Row[]): Promise<void> {
    if (batch.length === 0) return;
    const { sql, params } = PgConnection.insertSql(table, batch);
    await q.run(sql, ...params);
  }

  /** `IN (?, ?, ...)` for a list of values. */
  static placeholders(values: readonly unknown[]): string {
    return values.map(() => '?').join(', ');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
