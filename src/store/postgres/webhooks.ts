import type { EndpointFilter, WebhookEndpoint, WebhookPersister } from '../../core/webhooks/port.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import { PgConnection } from './connection.js';

export class PgWebhooks implements WebhookPersister {
  constructor(private readonly c: PgConnection) {}

  async addEndpoint(e: WebhookEndpoint) {
    await this.c.tx(async (q) => {
      await PgConnection.insert(q, 'webhook_endpoints', [rows.endpointRow(e)]);
      const events = [...new Set(e.events)];
      if (events.length > 0)
        await q.run(
          'INSERT INTO webhook_subscriptions (account_id, event, endpoint_id) SELECT ?, ev, ? FROM unnest(?::text[]) AS ev',
          e.accountId,
          e.id,
          events,
        );
    });
  }

  async getEndpoint(id: string) {
    const r = await this.c.one('SELECT * FROM webhook_endpoints WHERE id = ?', id);
    return r ? rows.toEndpoint(r) : null;
  }

  async listEndpoints(f: EndpointFilter) {
    const where = new Where().add('deleted_at IS NULL').add('account_id = ?', f.accountId).add('id < ?', rows.decodeCursor(f.cursor));
    return this.c.page('webhook_endpoints', where, f.limit, rows.toEndpoint);
  }

  async deleteEndpoint(accountId: string, id: string, at: number) {
    // One statement: the endpoint is marked deleted and its subscriptions go, or nothing changes.
    const r = await this.c.one(
      `WITH gone AS (
         UPDATE webhook_endpoints SET deleted_at = ? WHERE id = ? AND account_id = ? AND deleted_at IS NULL RETURNING id
       ), unsubscribed AS (
         DELETE FROM webhook_subscriptions WHERE account_id = ? AND endpoint_id IN (SELECT id FROM gone)
       )
       SELECT count(*) AS n FROM gone`,
      at,
      id,
      accountId,
      accountId,
    );
    return Number(r?.n ?? 0) > 0;
  }
}
