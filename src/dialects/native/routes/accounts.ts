import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Runtime } from '../../../runtime/create-runtime.js';
import { accountJson, apiKeyJson } from '../mapper.js';
import { CreateAccountBody, CreateKeyBody, IdParams, KeyParams, PageQuery, pageLimit } from '../schemas.js';

const config = { adminOnly: true };
const tags = ['accounts'];

/** Accounts and their credentials: admin token only. New secrets are shown once, in the response. */
export const accountRoutes = (rt: Runtime) => async (app: FastifyInstance) => {
  app.post<{ Body: Static<typeof CreateAccountBody> }>(
    '/accounts',
    { config, schema: { tags, summary: 'Create an account', body: CreateAccountBody } },
    async (req, reply) => {
      const account = await rt.accounts.create(req.body);
      return reply.code(201).send(accountJson(account));
    },
  );

  app.get<{ Querystring: Static<typeof PageQuery> }>(
    '/accounts',
    { config, schema: { tags, summary: 'List accounts', querystring: PageQuery } },
    async (req) => {
      const page = await rt.accounts.list(req.query.cursor, pageLimit(req.query.limit));
      return { items: page.items.map(accountJson), next_cursor: page.nextCursor };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/accounts/:id',
    { config, schema: { tags, summary: 'Get an account by id or name', params: IdParams } },
    async (req) => accountJson(await rt.accounts.resolve(req.params.id)),
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof CreateKeyBody> }>(
    '/accounts/:id/keys',
    { config, schema: { tags, summary: 'Create an API key (the key is in this response only)', params: IdParams, body: CreateKeyBody } },
    async (req, reply) => {
      const { record, key } = await rt.accounts.createApiKey(req.params.id, req.body.role ?? 0, req.body.label ?? null);
      return reply.code(201).send({ ...apiKeyJson(record), key });
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/accounts/:id/keys',
    { config, schema: { tags, summary: 'List API keys', params: IdParams } },
    async (req) => ({
      items: (await rt.accounts.listApiKeys(req.params.id)).map(apiKeyJson),
    }),
  );

  app.get<{ Params: Static<typeof KeyParams> }>(
    '/accounts/:id/keys/:keyId',
    { config, schema: { tags, summary: 'Get an API key', params: KeyParams } },
    async (req) => apiKeyJson(await rt.accounts.getApiKey(req.params.id, req.params.keyId)),
  );

  app.delete<{ Params: Static<typeof KeyParams> }>(
    '/accounts/:id/keys/:keyId',
    { config, schema: { tags, summary: 'Revoke an API key', params: KeyParams } },
    async (req, reply) => {
      await rt.accounts.revokeApiKey(req.params.id, req.params.keyId);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/accounts/:id/access-keys',
    { config, schema: { tags, summary: 'Create an access key pair (the secret is in this response only)', params: IdParams } },
    async (req, reply) => {
      const { record, secret } = await rt.accounts.createAccessKey(req.params.id);
      return reply
        .code(201)
        .send({ id: record.id, account_id: record.accountId, secret, created_at: new Date(record.createdAt).toISOString() });
    },
  );
};
