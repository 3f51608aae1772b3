import {
  type BounceRecord,
  type HardBounceEffects,
  MAX_BOUNCES_PER_MESSAGE,
  type SuppressionFilter,
  type SuppressionPersister,
} from '../../core/suppressions/port.js';
import { suppressionsWhere } from '../filters.js';
import * as rows from '../rows.js';
import { announceSql } from './announce.js';
import { PgConnection, Rollback } from './connection.js';

export class PgSuppressions implements SuppressionPersister {
  constructor(private readonly c: PgConnection) {}

  async listSuppressions(f: SuppressionFilter) {
    return this.c.page('suppressions', suppressionsWhere(f), f.limit, rows.toSuppression);
  }

  async liftSuppression(accountId: string | null, address: string) {
    return (await this.c.run('DELETE FROM suppressions WHERE account_key = ? AND address = ?', accountId ?? '', address)) > 0;
  }

  /**
   * In one transaction, holding the message's row: the bounces kept so far are counted under that
   * lock, so concurrent reports of one message neither exceed the limit nor mark it twice.
   */
  async recordBounce(b: BounceRecord, hard: HardBounceEffects | null) {
    return this.c.tx<'recorded' | 'duplicate' | 'limit'>(async (q) => {
      const message = await q.one('SELECT status FROM messages WHERE id = ? FOR UPDATE', b.messageId);
      if (!message) throw new Rollback('duplicate' as const);
      const kept = Number((await q.one('SELECT count(*) AS n FROM bounces WHERE message_id = ?', b.messageId))?.n ?? 0);
      // Soft bounces stop at the limit; the one hard bounce that ends a message is always kept.
      if (!hard && kept >= MAX_BOUNCES_PER_MESSAGE) return 'limit';
      if (hard) {
        if (message.status === 'bounced') return 'duplicate';
        await q.run(
          "UPDATE messages SET status = 'bounced', last_error = ? WHERE id = ?",
          `bounced: ${hard.suppression.detail ?? 'hard bounce'}`,
          b.messageId,
        );
        const s = rows.suppressionRow(hard.suppression);
        await q.run(
          `INSERT INTO suppressions (id, account_key, address, reason, message_id, detail, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_key, address) DO NOTHING`,
          s.id,
          s.account_key,
          s.address,
          s.reason,
          s.message_id,
          s.detail,
          s.created_at,
        );
        await PgConnection.insert(q, 'events', hard.events.map(rows.eventRow));
        const announce = announceSql(hard.announce);
        if (announce) await q.run(announce.sql, ...announce.params);
      }
      await PgConnection.insert(q, 'bounces', [{ ...rows.bounceRow(b), seq: kept + 1 }]);
      return 'recorded';
    });
  }

  async bouncesOf(messageId: string) {
    return (await this.c.rows('SELECT * FROM bounces WHERE message_id = ? ORDER BY seq', messageId)).map(rows.toBounce);
  }
}
