import type { MessageFilter, MessageReads, MessageRequeue } from '../../core/messages/port.js';
import { type AuditEvent, type ChannelId, channelIds, type MessageStatus, messageStatuses } from '../../core/model.js';
import { messagesWhere } from '../filters.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import { childrenOf, insertChained } from './chains.js';
import type { SqliteConnection } from './connection.js';

export class SqliteMessages implements MessageReads, MessageRequeue {
  constructor(private readonly c: SqliteConnection) {}

  async getMessage(id: string) {
    const r = this.c.one('SELECT * FROM messages WHERE id = ?', id);
    return r ? rows.toMessage(r) : null;
  }

  async listMessages(f: MessageFilter) {
    const from = f.verificationId === undefined ? 'messages' : childrenOf('messages', f.verificationId);
    return this.c.page(from, messagesWhere(f), f.limit, rows.toMessage);
  }

  async attemptsOf(messageId: string) {
    return this.c.all('SELECT * FROM delivery_attempts WHERE message_id = ? ORDER BY number', messageId).map(rows.toAttempt);
  }

  async queueDepth(accountId?: string) {
    const depth = Object.fromEntries(messageStatuses.map((s) => [s, 0])) as Record<MessageStatus, number>;
    const counted =
      accountId === undefined
        ? await this.c.allOffThread('SELECT status, count(*) AS n FROM messages GROUP BY status')
        : await this.c.allOffThread('SELECT status, count(*) AS n FROM messages WHERE account_id = ? GROUP BY status', accountId);
    for (const r of counted) depth[r.status as MessageStatus] = Number(r.n);
    return depth;
  }

  async latencyHistogram(f: { sentSince: number; accountId?: string; boundsMs: number[] }) {
    const where = new Where().add("status = 'sent'").add('sent_at >= ?', f.sentSince).add('account_id = ?', f.accountId);
    // Bucket index: how many bounds the latency reaches.
    const index = f.boundsMs.map(() => '(sent_at - created_at >= ?)').join(' + ') || '0';
    const sql = `SELECT ${index} AS bucket, count(*) AS n FROM messages ${where} GROUP BY bucket`;
    const counts = new Array<number>(f.boundsMs.length + 1).fill(0);
    for (const r of await this.c.allOffThread(sql, ...f.boundsMs, ...where.params)) counts[Number(r.bucket)] = Number(r.n);
    return counts;
  }

  async requeueFailed(id: string, now: number, event: AuditEvent) {
    return this.c.writes.run(() => {
      const sql = "UPDATE messages SET status = 'queued', abandoned = 0, next_attempt_at = ? WHERE id = ? AND status = 'failed'";
      if (this.c.stmt(sql).run(now, id).changes === 0) return false;
      insertChained(this.c, 'events', [rows.eventRow(event)]);
      return true;
    });
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
