import type { NoncePersister } from '../../core/requests/port.js';
import type { SqliteConnection } from './connection.js';

export class SqliteNonces implements NoncePersister {
  constructor(private readonly c: SqliteConnection) {}

  async use(key: string, at: number, expiresAt: number) {
    // One statement: a new key is inserted; a recorded one is taken over only once it has expired.
    const sql = `INSERT INTO nonces (key, expires_at) VALUES (?, ?)
      ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE nonces.expires_at <= ?`;
    return this.c.writes.run(() => this.c.stmt(sql).run(key, expiresAt, at).changes === 1);
  }

  async isRecorded(key: string, at: number) {
    return this.c.one('SELECT 1 AS found FROM nonces WHERE key = ? AND expires_at > ?', key, at) !== undefined;
  }

  async prune(before: number) {
    return this.c.writes.run(() => this.c.stmt('DELETE FROM nonces WHERE expires_at <= ?').run(before).changes);
  }
}
