import type { QueuedRequest, RequestQueue } from '../../core/requests/port.js';
import type { Row, SqliteConnection } from './connection.js';

const toRequest = (r: Row): QueuedRequest => ({
  id: String(r.id),
  kind: String(r.kind),
  sealed: String(r.sealed),
  ip: r.ip === null ? null : String(r.ip),
  receivedAt: Number(r.received_at),
});

export class SqliteRequests implements RequestQueue {
  constructor(private readonly c: SqliteConnection) {}

  async enqueue(r: QueuedRequest) {
    await this.c.writes.run(() =>
      this.c
        .stmt('INSERT INTO queued_requests (id, kind, sealed, ip, received_at) VALUES (?, ?, ?, ?, ?)')
        .run(r.id, r.kind, r.sealed, r.ip, r.receivedAt),
    );
  }

  async claim(owner: string, limit: number, leaseMs: number, now: number) {
    return this.c.writes.run(() =>
      (
        this.c
          .stmt(
            `UPDATE queued_requests SET lease_owner = @owner, lease_until = @until
             WHERE id IN (SELECT id FROM queued_requests WHERE lease_until IS NULL OR lease_until < @now ORDER BY id LIMIT @limit)
             AND (lease_until IS NULL OR lease_until < @now) RETURNING *`,
          )
          .all({ owner, until: now + leaseMs, now, limit }) as Row[]
      )
        .map(toRequest)
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
  }

  async finish(owner: string, ids: string[]) {
    if (ids.length === 0) return;
    await this.c.writes.run(() => {
      for (const id of ids) this.c.stmt('DELETE FROM queued_requests WHERE id = ? AND lease_owner = ?').run(id, owner);
    });
  }

  async depth() {
    return Number(this.c.one('SELECT count(*) AS n FROM queued_requests')?.n ?? 0);
  }
}
