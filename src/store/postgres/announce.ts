import type { Announcement } from '../../core/webhooks/events.js';

/**
 * Announcements as one INSERT ... SELECT: a webhook delivery for each endpoint of the account
 * subscribed to the event, found through the subscriptions' key (an account without endpoints costs
 * one index probe per event). A delivery's id is the event's id and the endpoint's. `when` is an SQL
 * condition the insert waits on (a CTE the outcome must have produced), or empty.
 */
export const announceSql = (announcements: readonly Announcement[], when = ''): { sql: string; params: unknown[] } | null => {
  const owned = announcements.filter((a) => a.accountId !== null);
  if (owned.length === 0) return null;
  return {
    sql: `INSERT INTO messages (id, channel, destination, verification_id, account_id, recipient, purpose, locale, token_id, data,
            message_id, status, attempts, abandoned, next_attempt_at, created_at)
          SELECT a.id || '.' || s.endpoint_id, 'webhook', s.endpoint_id, a.verification_id, a.account_id, s.endpoint_id, a.purpose, a.locale,
            '', a.data, a.id, 'queued', 0, 0, a.at, a.at
          FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[])
            AS a(id, verification_id, account_id, purpose, locale, data, at, type)
          JOIN webhook_subscriptions s ON s.account_id = a.account_id AND s.event = a.type${when ? ` WHERE ${when}` : ''}`,
    params: [
      owned.map((a) => a.id),
      owned.map((a) => a.verificationId),
      owned.map((a) => a.accountId),
      owned.map((a) => a.purpose),
      owned.map((a) => a.locale),
      owned.map((a) => JSON.stringify({ type: a.type, body: a.body })),
      owned.map((a) => a.at),
      owned.map((a) => a.type),
    ],
  };
};
