import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { CoreError } from '../../../core/errors.js';
import { suppressionJson } from '../mapper.js';
import type { NativeDeps } from '../plugin.js';
import { Cursor, Limit, pageLimit } from '../schemas.js';

const strict = { additionalProperties: false } as const;
const Account = Type.String({ minLength: 1, maxLength: 64 });
const Address = Type.String({ minLength: 3, maxLength: 254 });

const ListQuery = Type.Object(
  { account: Type.Optional(Account), address: Type.Optional(Address), cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) },
  strict,
);
const LiftParams = Type.Object({ address: Address }, strict);
const LiftQuery = Type.Object({ account: Type.Optional(Account) }, strict);
const ReportBody = Type.Object(
  {
    message_id: Type.Optional(Type.String({ minLength: 1, maxLength: 96 })),
    return_path: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    recipient: Address,
    type: Type.Union([Type.Literal('hard'), Type.Literal('soft')]),
    status: Type.Optional(Type.String({ maxLength: 32 })),
    diagnostic: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  strict,
);

const bearer = (req: FastifyRequest) => /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;

/**
 * Suppression lists (read: `read`; lift: `send`) and the bounce intake for providers that post
 * bounces (the bounce token or the admin token): an RFC 3464 report as `message/rfc822`,
 * `multipart/report` or `text/plain`, or one bounce as JSON.
 */
export const suppressionRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/suppressions',
    { schema: { tags: ['suppressions'], summary: 'Addresses no email goes to (hard bounces), newest first', querystring: ListQuery } },
    async (req) => {
      const page = await deps.suppressions.list(req.actor, { ...req.query, limit: pageLimit(req.query.limit) });
      return { items: page.items.map(suppressionJson), next_cursor: page.nextCursor };
    },
  );

  app.delete<{ Params: Static<typeof LiftParams>; Querystring: Static<typeof LiftQuery> }>(
    '/suppressions/:address',
    {
      schema: {
        tags: ['suppressions'],
        summary: "Lift a suppression: mail may go to the address again (the admin names the account; none is the sign-ups' list)",
        params: LiftParams,
        querystring: LiftQuery,
      },
    },
    async (req, reply) => {
      await deps.suppressions.lift(req.actor, { address: req.params.address, account: req.query.account });
      return reply.code(204).send();
    },
  );

  await app.register(async (intake) => {
    intake.addContentTypeParser(
      ['message/rfc822', 'multipart/report', 'text/plain'],
      { parseAs: 'buffer', bodyLimit: deps.bounceMaxBytes },
      (_req, body, done) => done(null, body),
    );
    intake.post(
      '/bounces',
      {
        config: { public: true },
        bodyLimit: deps.bounceMaxBytes,
        schema: { tags: ['suppressions'], summary: 'Report bounces: an RFC 3464 report, or one bounce as JSON (bounce or admin token)' },
      },
      async (req, reply) => {
        const actor = await deps.authenticator.bounces(bearer(req), req.ip);
        if (Buffer.isBuffer(req.body)) return reply.code(202).send(await deps.bounces.receive(actor, req.body));
        const body = req.body;
        if (!Value.Check(ReportBody, body) || (body.message_id === undefined) === (body.return_path === undefined))
          throw new CoreError('VALIDATION_FAILED', {}, 'Send recipient, type (hard or soft), and message_id or return_path.');
        const outcome = await deps.bounces.report(actor, {
          messageId: body.message_id,
          returnPath: body.return_path,
          recipient: body.recipient,
          kind: body.type,
          status: body.status,
          diagnostic: body.diagnostic,
        });
        return reply.code(202).send(outcome);
      },
    );
  });
};
