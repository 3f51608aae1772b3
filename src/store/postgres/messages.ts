import type { MessageFilter, MessageReads, MessageRequeue } from '../../core/messages/port.js';
import { type AuditEvent, type ChannelId, channelIds, type MessageStatus, messageStatuses } from '../../core/model.js';
import { messagesWhere } from '../filters.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import { PgConnection } from './connection.js';

export class PgMessages implements MessageReads, MessageRequeue {
  constructor(private readonly c: PgConnection) {}

  async getMessage(id: string) {
    const r = await this.c.one('SELECT * FROM messages WHERE id = ?', id);
    return r ? rows.toMessage(r) : null;
  }

  async listMessages(f: MessageFilter) {
    return this.c.page('messages', messagesWhere(f), f.limit, rows.toMessage);
  }

  async attemptsOf(messageId: string) {
    return (await this.c.rows('SELECT * FROM delivery_attempts WHERE message_id = ? ORDER BY number', messageId)).map(rows.toAttempt);
  }

  async queueDepth(accountId?: string) {
    const depth = Object.fromEntries(messageStatuses.map((s) => [s, 0])) as Record<MessageStatus, number>;
    const counted =
      accountId === undefined
        ? await this.c.rows('SELECT status, count(*) AS n FROM messages GROUP BY status')
        : await this.c.rows('SELECT status, count(*) AS n FROM messages WHERE account_id = ? GROUP BY status', accountId);
    for (const r of counted) depth[r.status as MessageStatus] = Number(r.n);
    return depth;
  }

  async latencyHistogram(f: { sentSince: number; accountId?: string; boundsMs: number[] }) {
    const where = new Where().add("status = 'sent'").add('sent_at >= ?', f.sentSince).add('account_id = ?', f.accountId);
    // Bucket index: how many bounds the latency reaches.
    const index = f.boundsMs.map(() => '(sent_at - created_at >= ?)::int').join(' + ') || '0';
    const sql = `SELECT ${index} AS bucket, count(*) AS n FROM messages ${where} GROUP BY bucket`;
    const counts = new Array<number>(f.boundsMs.length + 1).fill(0);
    for (const r of await this.c.rows(sql, ...f.boundsMs, ...where.params)) counts[Number(r.bucket)] = Number(r.n);
    return counts;
  }

  async queueAge(now: number) {
    const age = Object.fromEntries(channelIds.map((c) => [c, 0])) as Record<ChannelId, number>;
    // Through the waiting messages' partial index: the oldest due one per channel.
    const rs = await this.c.rows(
      `SELECT channel, min(next_attempt_at) AS t FROM messages
       WHERE status IN ('queued', 'deferred') AND next_attempt_at <= ? GROUP BY channel`,
      now,
    );
    for (const r of rs) if (channelIds.includes(r.channel as ChannelId)) age[r.channel as ChannelId] = now - Number(r.t);
    return age;
  }

  async requeueFailed(id: string, now: number, event: AuditEvent) {
    // The guard is the status: of concurrent requeues, the first changes the row and the others wait for it and then find it queued.
    return this.c.tx(async (q) => {
      const sql = "UPDATE messages SET status = 'queued', abandoned = 0, next_attempt_at = ? WHERE id = ? AND status = 'failed'";
      if ((await q.run(sql, now, id)) === 0) return false;
      await PgConnection.insert(q, 'events', [rows.eventRow(event)]);
      return true;
    });
  }
}
