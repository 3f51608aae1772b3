import type { InboxFilter, InboxPersister, StoredCapture } from '../../core/inbox/port.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import type { SqliteConnection } from './connection.js';

export class SqliteInbox implements InboxPersister {
  constructor(private readonly c: SqliteConnection) {}

  async capture(mail: StoredCapture) {
    const sql =
      'INSERT INTO captured_mail (id, account_id, to_addr, sealed, captured_at) VALUES (@id, @account_id, @to_addr, @sealed, @captured_at) ON CONFLICT (id) DO NOTHING';
    await this.c.writes.run(() => this.c.stmt(sql).run(rows.capturedRow(mail)));
  }

  async getCaptured(id: string) {
    const r = this.c.one('SELECT * FROM captured_mail WHERE id = ?', id);
    return r ? rows.toCaptured(r) : null;
  }

  async listInbox(f: InboxFilter) {
    const where = new Where().add('to_addr = ?', f.to).add('account_id = ?', f.accountId).add('id < ?', rows.decodeCursor(f.cursor));
    return this.c.page('captured_mail', where, f.limit, rows.toCaptured);
  }
}
