import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { bounceJson, inboxJson, messageJson } from '../mapper.js';
import type { NativeDeps } from '../plugin.js';
import { IdParams, InboxQuery, ListMessagesQuery, pageLimit } from '../schemas.js';

export const messageRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.get<{ Querystring: Static<typeof ListMessagesQuery> }>(
    '/messages',
    { schema: { tags: ['messages'], summary: 'List outbox messages with their delivery status', querystring: ListMessagesQuery } },
    async (req) => {
      const q = req.query;
      const page = await deps.messages.list(req.actor, {
        verificationId: q.verification,
        status: q.status,
        channel: q.channel,
        cursor: q.cursor,
        limit: pageLimit(q.limit),
      });
      return { items: page.items.map((m) => messageJson(m)), next_cursor: page.nextCursor };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/messages/:id',
    { schema: { tags: ['messages'], summary: 'Get a message with every delivery attempt', params: IdParams } },
    async (req) => {
      const { message, attempts, bounces } = await deps.messages.get(req.actor, req.params.id);
      return { ...messageJson(message, attempts), bounces: bounces.map(bounceJson) };
    },
  );

  app.get<{ Querystring: Static<typeof InboxQuery> }>(
    '/inbox',
    { schema: { tags: ['messages'], summary: 'Captured mail, newest first, with subject, text, html and links', querystring: InboxQuery } },
    async (req) => {
      const page = await deps.messages.inbox(req.actor, { to: req.query.to, cursor: req.query.cursor, limit: pageLimit(req.query.limit) });
      return { items: page.items.map(inboxJson), next_cursor: page.nextCursor };
    },
  );
};
