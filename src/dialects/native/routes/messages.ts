import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Runtime } from '../../../runtime/create-runtime.js';
import { scopeOf } from '../auth.js';
import { inboxJson, messageJson } from '../mapper.js';
import { IdParams, InboxQuery, ListMessagesQuery, pageLimit } from '../schemas.js';

export const messageRoutes = (rt: Runtime) => async (app: FastifyInstance) => {
  app.get<{ Querystring: Static<typeof ListMessagesQuery> }>(
    '/messages',
    { schema: { tags: ['messages'], summary: 'List outbox messages with their delivery status', querystring: ListMessagesQuery } },
    async (req) => {
      const q = req.query;
      const page = await rt.messages.list(scopeOf(req), {
        verificationId: q.verification,
        status: q.status,
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
      const { message, attempts } = await rt.messages.get(req.params.id, scopeOf(req));
      return messageJson(message, attempts);
    },
  );

  app.get<{ Querystring: Static<typeof InboxQuery> }>(
    '/inbox',
    { schema: { tags: ['messages'], summary: 'Captured mail, newest first, with subject, text, html and links', querystring: InboxQuery } },
    async (req) => {
      const page = await rt.messages.inbox(scopeOf(req), { to: req.query.to, cursor: req.query.cursor, limit: pageLimit(req.query.limit) });
      return { items: page.items.map(inboxJson), next_cursor: page.nextCursor };
    },
  );
};
