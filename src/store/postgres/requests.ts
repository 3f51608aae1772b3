import type { QueuedRequest, RequestQueue } from '../../core/requests/port.js';
import type { PgConnection, Row } from './connection.js';

const toRequest = (r: Row): QueuedRequest => ({
  id: String(r.id),
  kind: String(r.kind),
  sealed: String(r.sealed),
  ip: r.ip === null ? null : String(r.ip),
  receivedAt: Number(r.received_at),
});

export class PgRequests implements RequestQueue {
  constructor(private readonly c: PgConnection) {}

  async enqueue(r: QueuedRequest) {
    await this.c.run(
      'INSERT INTO queued_requests (id, kind, sealed, ip, received_at) VALUES (?, ?, ?, ?, ?)',
      r.id,
      r.kind,
      r.sealed,
      r.ip,
      r.receivedAt,
    );
  }

  async claim(owner: string, limit: number, leaseMs: number, now: number) {
    // Rows another claimer holds are skipped, not waited for; the lease is recorded in the same statement.
    const rs = await this.c.rows(
      `UPDATE queued_requests q SET lease_owner = ?, lease_until = ?
       FROM (SELECT id FROM queued_requests WHERE lease_until IS NULL OR lease_until < ?
             ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) due
       WHERE q.id = due.id RETURNING q.*`,
      owner,
      now + leaseMs,
      now,
      limit,
    );
    return rs.map(toRequest).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async finish(owner: string, ids: string[]) {
    if (ids.length === 0) return;
    await this.c.run('DELETE FROM queued_requests WHERE id = ANY(?::text[]) AND lease_owner = ?', ids, owner);
  }

  async depth() {
    return Number((await this.c.one('SELECT count(*) AS n FROM queued_requests'))?.n ?? 0);
  }
}
