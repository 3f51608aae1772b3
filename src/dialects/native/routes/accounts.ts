import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { accountJson, apiKeyJson } from '../mapper.js';
import type { NativeDeps } from '../plugin.js';
import { CreateAccountBody, CreateKeyBody, IdParams, KeyParams, PageQuery, pageLimit } from '../schemas.js';

const tags = ['accounts'];

/** Accounts and their credentials: admin token only. New secrets are shown once, in the response. */
export const accountRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.post<{ Body: Static<typeof CreateAccountBody> }>(
    '/accounts',
    { schema: { tags, summary: 'Create an account', body: CreateAccountBody } },
    async (req, reply) => {
      const account = await deps.accounts.create(req.actor, req.body);
      return reply.code(201).send(accountJson(account));
    },
  );

  app.get<{ Querystring: Static<typeof PageQuery> }>(
    '/accounts',
    { schema: { tags, summary: 'List accounts', querystring: PageQuery } },
    async (req) => {
      const page = await deps.accounts.list(req.actor, req.query.cursor, pageLimit(req.query.limit));
      return { items: page.items.map(accountJson), next_cursor: page.nextCursor };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/accounts/:id',
    { schema: { tags, summary: 'Get an account by id or name', params: IdParams } },
    async (req) => accountJson(await deps.accounts.get(req.actor, req.params.id)),
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof CreateKeyBody> }>(
    '/accounts/:id/keys',
    { schema: { tags, summary: 'Create an API key (the key is in this response only)', params: IdParams, body: CreateKeyBody } },
    async (req, reply) => {
      const { record, key } = await deps.accounts.createApiKey(req.actor, req.params.id, req.body.role ?? 0, req.body.label ?? null);
      return reply.code(201).send({ ...apiKeyJson(record), key });
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/accounts/:id/keys',
    { schema: { tags, summary: 'List API keys', params: IdParams } },
    async (req) => ({
      items: (await deps.accounts.listApiKeys(req.actor, req.params.id)).map(apiKeyJson),
    }),
  );

  app.get<{ Params: Static<typeof KeyParams> }>(
    '/accounts/:id/keys/:keyId',
    { schema: { tags, summary: 'Get an API key', params: KeyParams } },
    async (req) => apiKeyJson(await deps.accounts.getApiKey(req.actor, req.params.id, req.params.keyId)),
  );

  app.delete<{ Params: Static<typeof KeyParams> }>(
    '/accounts/:id/keys/:keyId',
    { schema: { tags, summary: 'Revoke an API key', params: KeyParams } },
    async (req, reply) => {
      await deps.accounts.revokeApiKey(req.actor, req.params.id, req.params.keyId);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/accounts/:id/access-keys',
    { schema: { tags, summary: 'Create an access key pair (the secret is in this response only)', params: IdParams } },
    async (req, reply) => {
      const { record, secret } = await deps.accounts.createAccessKey(req.actor, req.params.id);
      return reply
        .code(201)
        .send({ id: record.id, account_id: record.accountId, secret, created_at: new Date(record.createdAt).toISOString() });
    },
  );
};
