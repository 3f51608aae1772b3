import type { AuditPersister, EventFilter, Refusal } from '../../core/audit/port.js';
import type { AuditEvent } from '../../core/model.js';
import { eventsWhere } from '../filters.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import { PgConnection } from './connection.js';

const HOUR_MS = 3_600_000;

export class PgAudit implements AuditPersister {
  constructor(private readonly c: PgConnection) {}

  async append(events: AuditEvent[]) {
    await PgConnection.insert(this.c, 'events', events.map(rows.eventRow));
  }

  async countRefusal(r: Refusal) {
    const e = rows.eventRow(r);
    // One atomic upsert: concurrent refusals of one bucket, on any nodes, each add one.
    await this.c.run(
      `INSERT INTO events (id, at, type, account_id, verification_id, subject_id, detail, bucket, count)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT (bucket) WHERE bucket IS NOT NULL DO UPDATE SET count = events.count + 1`,
      e.id,
      e.at,
      e.type,
      e.account_id,
      e.verification_id,
      e.subject_id,
      e.detail,
      rows.refusalBucket(r),
    );
  }

  async listEvents(f: EventFilter) {
    const where = eventsWhere(f);
    return (await this.c.rows(`SELECT * FROM events ${where} ORDER BY seq DESC LIMIT ?`, ...where.params, f.limit)).map(rows.toEvent);
  }

  async countByHour(f: { types: string[]; since: number; accountId?: string }) {
    if (f.types.length === 0) return [];
    const where = new Where().add('at >= ?', f.since).add('account_id = ?', f.accountId);
    where.add(`type IN (${PgConnection.placeholders(f.types)})`, ...f.types);
    const sql = `SELECT type, (at / ${HOUR_MS}) * ${HOUR_MS} AS hour, sum(count) AS n FROM events ${where} GROUP BY type, hour ORDER BY hour, type`;
    return (await this.c.rows(sql, ...where.params)).map((r) => ({ type: String(r.type), hour: Number(r.hour), count: Number(r.n) }));
  }

  async prune(before: number) {
    return this.c.run('DELETE FROM events WHERE at < ?', before);
  }
}
