import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import { messageJson, webhookJson } from '../mapper.js';
import type { NativeDeps } from '../plugin.js';
import { Cursor, IdParams, Limit, pageLimit } from '../schemas.js';

const tags = ['webhooks'];
const strict = { additionalProperties: false } as const;

const CreateWebhookBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048 }),
    events: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 }),
    account: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  strict,
);
const ListQuery = Type.Object(
  { account: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) },
  strict,
);
const PageQuery = Type.Object({ cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) }, strict);

/**
 * An account's webhook endpoints. The signing secret (`whsec_...`) is in the creation response only.
 * Creating and deleting need `manage_subjects`, reading needs `read`.
 */
export const webhookRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.post<{ Body: Static<typeof CreateWebhookBody> }>(
    '/webhooks',
    { schema: { tags, summary: 'Register a webhook endpoint (its signing secret is in this response only)', body: CreateWebhookBody } },
    async (req, reply) => {
      const { endpoint, secret } = await deps.webhooks.create(req.actor, req.body);
      return reply.code(201).send({ ...webhookJson(endpoint), secret });
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/webhooks',
    { schema: { tags, summary: 'List webhook endpoints, newest first', querystring: ListQuery } },
    async (req) => {
      const page = await deps.webhooks.list(req.actor, { ...req.query, limit: pageLimit(req.query.limit) });
      return { items: page.items.map(webhookJson), next_cursor: page.nextCursor };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/webhooks/:id',
    { schema: { tags, summary: 'Get a webhook endpoint', params: IdParams } },
    async (req) => webhookJson(await deps.webhooks.get(req.actor, req.params.id)),
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/webhooks/:id',
    { schema: { tags, summary: 'Delete a webhook endpoint: nothing more is sent to it', params: IdParams } },
    async (req, reply) => {
      await deps.webhooks.delete(req.actor, req.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof PageQuery> }>(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'Deliveries to the endpoint, newest first (attempts at /v1/messages/{id})',
        params: IdParams,
        querystring: PageQuery,
      },
    },
    async (req) => {
      const page = await deps.webhooks.deliveries(req.actor, req.params.id, {
        cursor: req.query.cursor,
        limit: pageLimit(req.query.limit),
      });
      return { items: page.items.map((m) => messageJson(m)), next_cursor: page.nextCursor };
    },
  );
};
