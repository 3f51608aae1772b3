import type { AuditPersister, EventFilter, Refusal } from '../../core/audit/port.js';
import type { AuditEvent } from '../../core/model.js';
import { eventsWhere } from '../filters.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import { childrenOf, insertChained } from './chains.js';
import { SqliteConnection, wholeTable } from './connection.js';

const HOUR_MS = 3_600_000;

export class SqliteAudit implements AuditPersister {
  constructor(private readonly c: SqliteConnection) {}

  async append(events: AuditEvent[]) {
    if (events.length === 0) return;
    await this.c.writes.run(() => {
      insertChained(this.c, 'events', events.map(rows.eventRow));
    });
  }

  async countRefusal(r: Refusal) {
    const row = { ...rows.eventRow(r), bucket: rows.refusalBucket(r) };
    await this.c.writes.run(() =>
      this.c
        .stmt(
          `INSERT INTO events (id, at, type, account_id, verification_id, subject_id, detail, bucket, count)
           VALUES (@id, @at, @type, @account_id, @verification_id, @subject_id, @detail, @bucket, 1)
           ON CONFLICT (bucket) WHERE bucket IS NOT NULL DO UPDATE SET count = count + 1`,
        )
        .run(row),
    );
  }

  async listEvents(f: EventFilter) {
    const where = eventsWhere(f);
    const from = f.verificationId === undefined ? wholeTable('events') : childrenOf('events', f.verificationId);
    const sql = `${from.with} SELECT * FROM ${from.from} ${where} ORDER BY seq DESC LIMIT ?`;
    return (await this.c.allOffThread(sql, ...from.params, ...where.params, f.limit)).map(rows.toEvent);
  }

  async countByHour(f: { types: string[]; since: number; accountId?: string }) {
    if (f.types.length === 0) return [];
    const where = new Where().add('at >= ?', f.since).add('account_id = ?', f.accountId);
    where.add(`type IN (${SqliteConnection.placeholders(f.types)})`, ...f.types);
    const sql = `SELECT type, (at / ${HOUR_MS}) * ${HOUR_MS} AS hour, sum(count) AS n FROM events ${where} GROUP BY type, hour ORDER BY hour, type`;
    // A day of events can be hundreds of thousands of rows: counted on the read thread.
    return (await this.c.allOffThread(sql, ...where.params)).map((r) => ({
      type: String(r.type),
      hour: Number(r.hour),
      count: Number(r.n),
    }));
  }

  async prune(before: number) {
    // Everything up to the newest old row, by seq: what is left stays a contiguous tail, so no chain of a
    // verification's events loses a link in its middle (two commits can land in an order other than their times).
    // `seq + 0`: plain max(seq) walks the table from its newest row back to the first old one (the whole
    // retained log, every minute); this reads only the old rows, through events_at.
    return this.c.writes.run(
      () => this.c.stmt('DELETE FROM events WHERE seq <= (SELECT max(seq + 0) FROM events WHERE at < ?)').run(before).changes,
    );
  }
}
