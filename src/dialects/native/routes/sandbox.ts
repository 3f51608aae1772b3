import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import Type from 'typebox';
import type { FaultRegistry, FaultSpec } from '../../../core/faults/registry.js';
import { faultTargets } from '../../../core/faults/registry.js';
import { IdParams } from '../schemas.js';

const FaultBody = Type.Object(
  {
    target: Type.Union(faultTargets.map((t) => Type.Literal(t))),
    endpoint: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    account_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    effect: Type.Union([
      Type.Object({ kind: Type.Literal('error'), code: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
      Type.Object({ kind: Type.Literal('latency'), ms: Type.Integer({ minimum: 0, maximum: 120_000 }) }, { additionalProperties: false }),
      Type.Object(
        { kind: Type.Union([Type.Literal('drop'), Type.Literal('defer'), Type.Literal('fail'), Type.Literal('bounce')]) },
        { additionalProperties: false },
      ),
    ]),
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    share: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    ttl_ms: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

const faultJson = (f: ReturnType<FaultRegistry['list']>[number]) => ({
  id: f.id,
  target: f.target,
  endpoint: f.endpoint ?? null,
  account_id: f.accountId ?? null,
  effect: f.effect,
  remaining: f.remaining,
  share: f.share ?? 1,
  hits: f.hits,
  created_at: new Date(f.createdAt).toISOString(),
  expires_at: f.expiresAt === null ? null : new Date(f.expiresAt).toISOString(),
});

const tags = ['sandbox'];

/** Sandbox only (the routes do not exist otherwise): make the next calls fail the way a vendor does. Admin token. */
export const sandboxRoutes = (faults: FaultRegistry) => async (app: FastifyInstance) => {
  app.post<{ Body: Static<typeof FaultBody> }>(
    '/sandbox/faults',
    {
      schema: {
        tags,
        summary:
          'Inject a fault: a vendor error, latency or a dropped connection for the next calls, or mail that defers, fails or bounces',
        body: FaultBody,
      },
    },
    async (req, reply) => {
      const b = req.body;
      const spec: FaultSpec = {
        target: b.target,
        effect: b.effect as FaultSpec['effect'],
        ...(b.endpoint === undefined ? {} : { endpoint: b.endpoint }),
        ...(b.account_id === undefined ? {} : { accountId: b.account_id }),
        ...(b.count === undefined ? {} : { count: b.count }),
        ...(b.share === undefined ? {} : { share: b.share }),
        ...(b.ttl_ms === undefined ? {} : { ttlMs: b.ttl_ms }),
      };
      return reply.code(201).send(faultJson(faults.add(req.actor, spec)));
    },
  );
  app.get('/sandbox/faults', { schema: { tags, summary: 'List the faults in force' } }, async (req) => ({
    items: faults.list(req.actor).map(faultJson),
  }));
  app.delete('/sandbox/faults', { schema: { tags, summary: 'Clear every fault' } }, async (req) => ({ cleared: faults.clear(req.actor) }));
  app.delete<{ Params: Static<typeof IdParams> }>(
    '/sandbox/faults/:id',
    { schema: { tags, summary: 'Clear one fault', params: IdParams } },
    async (req) => ({ cleared: faults.clear(req.actor, req.params.id) }),
  );
};
