import type { InboxFilter, InboxPersister, StoredCapture } from '../../core/inbox/port.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import type { PgConnection } from './connection.js';

export class PgInbox implements InboxPersister {
  constructor(private readonly c: PgConnection) {}

  async capture(mail: StoredCapture) {
    const r = rows.capturedRow(mail);
    await this.c.run(
      'INSERT INTO captured_mail (id, account_id, to_addr, sealed, captured_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      r.id,
      r.account_id,
      r.to_addr,
      r.sealed,
      r.captured_at,
    );
  }

  async getCaptured(id: string) {
    const r = await this.c.one('SELECT * FROM captured_mail WHERE id = ?', id);
    return r ? rows.toCaptured(r) : null;
  }

  async listInbox(f: InboxFilter) {
    const where = new Where().add('to_addr = ?', f.to).add('account_id = ?', f.accountId).add('id < ?', rows.decodeCursor(f.cursor));
    return this.c.page('captured_mail', where, f.limit, rows.toCaptured);
  }
}
