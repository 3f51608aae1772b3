import type { MessageFilter, MessageReads } from '../../core/messages/port.js';
import { type MessageStatus, messageStatuses } from '../../core/model.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import type { PgConnection } from './connection.js';

export class PgMessages implements MessageReads {
  constructor(private readonly c: PgConnection) {}

  async getMessage(id: string) {
    const r = await this.c.one('SELECT * FROM messages WHERE id = ?', id);
    return r ? rows.toMessage(r) : null;
  }

  async listMessages(f: MessageFilter) {
    const where = new Where()
      .add('account_id = ?', f.accountId)
      .add('verification_id = ?', f.verificationId)
      .add('status = ?', f.status)
      .add('id < ?', rows.decodeCursor(f.cursor));
    return this.c.page('messages', where, f.limit, rows.toMessage);
  }

  async attemptsOf(messageId: string) {
    return (await this.c.rows('SELECT * FROM delivery_attempts WHERE message_id = ? ORDER BY number', messageId)).map(rows.toAttempt);
  }

  async queueDepth() {
    const depth = Object.fromEntries(messageStatuses.map((s) => [s, 0])) as Record<MessageStatus, number>;
    for (const r of await this.c.rows('SELECT status, count(*) AS n FROM messages GROUP BY status'))
      depth[r.status as MessageStatus] = Number(r.n);
    return depth;
  }
}
