import {
  type BounceRecord,
  type HardBounceEffects,
  MAX_BOUNCES_PER_MESSAGE,
  type SuppressionFilter,
  type SuppressionPersister,
} from '../../core/suppressions/port.js';
import { suppressionsWhere } from '../filters.js';
import * as rows from '../rows.js';
import { insertChained } from './chains.js';
import type { SqliteConnection } from './connection.js';
import { announceTx } from './webhooks.js';

export class SqliteSuppressions implements SuppressionPersister {
  constructor(private readonly c: SqliteConnection) {}

  async listSuppressions(f: SuppressionFilter) {
    return this.c.page('suppressions', suppressionsWhere(f), f.limit, rows.toSuppression);
  }

  async liftSuppression(accountId: string | null, address: string) {
    return this.c.writes.run(
      () => this.c.stmt('DELETE FROM suppressions WHERE account_key = ? AND address = ?').run(accountId ?? '', address).changes > 0,
    );
  }

  async recordBounce(b: BounceRecord, hard: HardBounceEffects | null) {
    return this.c.writes.run(() => {
      const kept = Number(this.c.one('SELECT count(*) AS n FROM bounces WHERE message_id = ?', b.messageId)?.n ?? 0);
      // Soft bounces stop at the limit; the one hard bounce that ends a message is always kept.
      if (!hard && kept >= MAX_BOUNCES_PER_MESSAGE) return 'limit' as const;
      if (hard) {
        const marked = this.c
          .stmt("UPDATE messages SET status = 'bounced', last_error = ? WHERE id = ? AND status != 'bounced'")
          .run(`bounced: ${hard.suppression.detail ?? 'hard bounce'}`, b.messageId);
        if (marked.changes === 0) return 'duplicate' as const;
        this.c
          .stmt(
            `INSERT INTO suppressions (id, account_key, address, reason, message_id, detail, created_at)
             VALUES (@id, @account_key, @address, @reason, @message_id, @detail, @created_at) ON CONFLICT (account_key, address) DO NOTHING`,
          )
          .run(rows.suppressionRow(hard.suppression));
        insertChained(this.c, 'events', hard.events.map(rows.eventRow));
        announceTx(this.c, hard.announce);
      }
      this.c.insert('bounces', { ...rows.bounceRow(b), seq: kept + 1 });
      return 'recorded' as const;
    });
  }

  async bouncesOf(messageId: string) {
    return this.c.all('SELECT * FROM bounces WHERE message_id = ? ORDER BY seq', messageId).map(rows.toBounce);
  }
}
