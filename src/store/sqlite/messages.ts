import type { MessageFilter, MessageReads } from '../../core/messages/port.js';
import { type ChannelId, channelIds, type MessageStatus, messageStatuses } from '../../core/model.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import type { SqliteConnection } from './connection.js';

export class SqliteMessages implements MessageReads {
  constructor(private readonly c: SqliteConnection) {}

  async getMessage(id: string) {
    const r = this.c.one('SELECT * FROM messages WHERE id = ?', id);
    return r ? rows.toMessage(r) : null;
  }

  async listMessages(f: MessageFilter) {
    const where = new Where()
      .add('account_id = ?', f.accountId)
      .add('verification_id = ?', f.verificationId)
      .add('status = ?', f.status)
      .add('channel = ?', f.channel)
      .add('recipient = ?', f.recipient)
      .add('id < ?', rows.decodeCursor(f.cursor));
    return this.c.page('messages', where, f.limit, rows.toMessage);
  }

  async attemptsOf(messageId: string) {
    return this.c.all('SELECT * FROM delivery_attempts WHERE message_id = ? ORDER BY number', messageId).map(rows.toAttempt);
  }

  async queueDepth() {
    const depth = Object.fromEntries(messageStatuses.map((s) => [s, 0])) as Record<MessageStatus, number>;
    for (const r of this.c.all('SELECT status, count(*) AS n FROM messages GROUP BY status'))
      depth[r.status as MessageStatus] = Number(r.n);
    return depth;
  }

  async queueAge(now: number) {
    const age = Object.fromEntries(channelIds.map((c) => [c, 0])) as Record<ChannelId, number>;
    // In the due index's order: the first row of the channel is its oldest, found without a sort.
    const sql =
      'SELECT next_attempt_at AS t FROM messages WHERE status = ? AND channel = ? AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 1';
    for (const channel of channelIds)
      for (const status of ['queued', 'deferred']) {
        const r = this.c.one(sql, status, channel, now);
        if (r) age[channel] = Math.max(age[channel], now - Number(r.t));
      }
    return age;
  }
}
