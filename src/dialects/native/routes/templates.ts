import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import { purposes } from '../../../core/model.js';
import type { NativeDeps } from '../plugin.js';

const PreviewQuery = Type.Object(
  {
    purpose: Type.Union(purposes.map((p) => Type.Literal(p))),
    locale: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,2}$', maxLength: 20 })),
    account: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    set: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' })),
  },
  { additionalProperties: false },
);

/** The mail a purpose and locale sends (the account's templates in force), rendered with sample values. */
export const templateRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.get<{ Querystring: Static<typeof PreviewQuery> }>(
    '/templates/preview',
    { schema: { tags: ['templates'], summary: 'Preview the mail of a purpose and locale with sample values', querystring: PreviewQuery } },
    async (req) => deps.templates.preview(req.actor, req.query),
  );
};
