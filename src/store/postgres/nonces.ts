import type { NoncePersister } from '../../core/requests/port.js';
import type { PgConnection } from './connection.js';

export class PgNonces implements NoncePersister {
  constructor(private readonly c: PgConnection) {}

  async use(key: string, at: number, expiresAt: number) {
    // One statement on a unique key: a new key is inserted; a recorded one is taken over only once it
    // has expired. A concurrent use of the same key waits for the first and then finds it live.
    const sql = `INSERT INTO nonces (key, expires_at) VALUES (?, ?)
      ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE nonces.expires_at <= ?`;
    return (await this.c.run(sql, key, expiresAt, at)) === 1;
  }

  async isRecorded(key: string, at: number) {
    return (await this.c.one('SELECT 1 AS found FROM nonces WHERE key = ? AND expires_at > ?', key, at)) !== undefined;
  }

  async prune(before: number) {
    return this.c.run('DELETE FROM nonces WHERE expires_at <= ?', before);
  }
}
