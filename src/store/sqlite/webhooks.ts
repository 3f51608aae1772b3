import type { Announcement } from '../../core/webhooks/events.js';
import type { EndpointFilter, WebhookEndpoint, WebhookPersister } from '../../core/webhooks/port.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import type { SqliteConnection } from './connection.js';

/**
 * One statement per announcement: a webhook delivery for each endpoint of the account subscribed to
 * the event, found through the subscriptions' key. An account without endpoints costs one index probe.
 * A delivery's id is the event's id and the endpoint's, so newest-first listings follow the event.
 */
export const announceTx = (c: SqliteConnection, announcements: readonly Announcement[]): void => {
  for (const a of announcements) {
    if (a.accountId === null) continue;
    c.stmt(
      `INSERT INTO messages (id, channel, destination, verification_id, account_id, recipient, purpose, locale, token_id, data,
         message_id, status, attempts, abandoned, next_attempt_at, created_at)
       SELECT @id || '.' || s.endpoint_id, 'webhook', s.endpoint_id, @verification_id, @account_id, s.endpoint_id, @purpose, @locale, '', @data,
         @id, 'queued', 0, 0, @at, @at
       FROM webhook_subscriptions s WHERE s.account_id = @account_id AND s.event = @type`,
    ).run({
      id: a.id,
      verification_id: a.verificationId,
      account_id: a.accountId,
      purpose: a.purpose,
      locale: a.locale,
      data: JSON.stringify({ type: a.type, body: a.body }),
      at: a.at,
      type: a.type,
    });
  }
};

export class SqliteWebhooks implements WebhookPersister {
  constructor(private readonly c: SqliteConnection) {}

  async addEndpoint(e: WebhookEndpoint) {
    await this.c.writes.run(() => {
      this.c.insert('webhook_endpoints', rows.endpointRow(e));
      for (const event of new Set(e.events))
        this.c.stmt('INSERT INTO webhook_subscriptions (account_id, event, endpoint_id) VALUES (?, ?, ?)').run(e.accountId, event, e.id);
    });
  }

  async getEndpoint(id: string) {
    const r = this.c.one('SELECT * FROM webhook_endpoints WHERE id = ?', id);
    return r ? rows.toEndpoint(r) : null;
  }

  async listEndpoints(f: EndpointFilter) {
    const where = new Where().add('deleted_at IS NULL').add('account_id = ?', f.accountId).add('id < ?', rows.decodeCursor(f.cursor));
    return this.c.page('webhook_endpoints', where, f.limit, rows.toEndpoint);
  }

  async deleteEndpoint(accountId: string, id: string, at: number) {
    return this.c.writes.run(() => {
      const done = this.c
        .stmt('UPDATE webhook_endpoints SET deleted_at = ? WHERE id = ? AND account_id = ? AND deleted_at IS NULL')
        .run(at, id, accountId);
      if (done.changes === 0) return false;
      this.c.stmt('DELETE FROM webhook_subscriptions WHERE account_id = ? AND endpoint_id = ?').run(accountId, id);
      return true;
    });
  }
}
