import type { PgConnection, Querier } from './connection.js';
import { postgresMigrations } from './migrations.js';

/** The advisory lock every node takes to migrate: one migrates, the others wait and then find nothing to do. */
const MIGRATION_LOCK = 7_347_626_105_001;

const ensureHistory = (q: Querier) =>
  q.run('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');

const appliedIds = async (q: Querier): Promise<Set<number>> =>
  new Set((await q.rows('SELECT id FROM schema_migrations')).map((r) => Number(r.id)));

/**
 * Applies every pending migration, each in its own transaction, under a session advisory lock: safe
 * to run from several nodes at once (the history is read again once the lock is held).
 */
export const migrate = (c: PgConnection): Promise<number[]> =>
  c.withClient(async (client) => {
    const q: Querier = {
      rows: async (sql, ...params) => (await client.query(sql, params)).rows,
      one: async (sql, ...params) => (await client.query(sql, params)).rows[0],
      run: async (sql, ...params) => (await client.query(sql, params)).rowCount ?? 0,
    };
    // Waiting for another node's migration may take longer than one statement may.
    await q.run('SET statement_timeout = 0');
    await q.run('SELECT pg_advisory_lock($1)', MIGRATION_LOCK);
    try {
      await ensureHistory(q);
      const done = await appliedIds(q);
      const applied: number[] = [];
      for (const m of postgresMigrations) {
        if (done.has(m.id)) continue;
        await q.run('BEGIN');
        try {
          await client.query(m.sql);
          await q.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', m.id, m.name, Date.now());
          await q.run('COMMIT');
        } catch (e) {
          await q.run('ROLLBACK');
          throw e;
        }
        applied.push(m.id);
      }
      return applied;
    } finally {
      await q.run('SELECT pg_advisory_unlock($1)', MIGRATION_LOCK);
      await q.run(`SET statement_timeout = ${Math.floor(c.options.statementTimeoutMs)}`);
    }
  });

/** Readiness: the database answers and has every migration this version knows. */
export const isMigrated = async (c: PgConnection): Promise<boolean> => {
  const latest = postgresMigrations[postgresMigrations.length - 1]?.id ?? 0;
  const r = await c.one("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  if (!r?.present) return false;
  return Boolean((await c.one('SELECT 1 AS ok FROM schema_migrations WHERE id = ?', latest))?.ok);
};
