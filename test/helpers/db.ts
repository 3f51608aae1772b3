import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Reads the service's SQLite file through a connection of the test's own: what is really at rest. */
export const readTables = (dir: string, tables: string[]): Record<string, unknown[]> => {
  const db = new Database(join(dir, 'reverify.db'), { readonly: true, fileMustExist: true });
  try {
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all()]));
  } finally {
    db.close();
  }
};
