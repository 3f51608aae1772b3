import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import Type from 'typebox';
import { confirmationJson, verificationJson } from '../mapper.js';
import type { NativeDeps } from '../plugin.js';
import {
  ConfirmationSchema,
  ConfirmBody,
  CreateVerificationBody,
  EmptyBody,
  ErrorSchema,
  IdParams,
  ListVerificationsQuery,
  pageLimit,
  ResendBody,
  VerificationSchema,
} from '../schemas.js';

const tags = ['verifications'];
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export const verificationRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.post<{ Body: Static<typeof CreateVerificationBody> }>(
    '/verifications',
    {
      schema: {
        tags,
        summary: 'Create a verification and send its first email',
        body: CreateVerificationBody,
        response: { 201: VerificationSchema, 429: ErrorSchema, ...errors },
      },
    },
    async (req, reply) => {
      const v = await deps.verifications.create(req.actor, {
        account: req.body.account,
        recipient: req.body.recipient,
        purpose: req.body.purpose,
        locale: req.body.locale,
        ip: req.ip,
      });
      return reply.code(201).send(verificationJson(v));
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/verifications/:id',
    { schema: { tags, summary: 'Get a verification', params: IdParams, response: { 200: VerificationSchema, ...errors } } },
    async (req) => verificationJson(await deps.verifications.get(req.actor, req.params.id)),
  );

  app.get<{ Querystring: Static<typeof ListVerificationsQuery> }>(
    '/verifications',
    {
      schema: {
        tags,
        summary: 'List verifications, newest first',
        querystring: ListVerificationsQuery,
        response: {
          200: Type.Object({
            items: Type.Array(VerificationSchema),
            next_cursor: Type.Unsafe<string | null>({ type: ['string', 'null'] }),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await deps.verifications.list(req.actor, {
        state: q.state,
        recipient: q.recipient,
        purpose: q.purpose,
        cursor: q.cursor,
        limit: pageLimit(q.limit),
      });
      return { items: page.items.map(verificationJson), next_cursor: page.nextCursor };
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ResendBody> }>(
    '/verifications/:id/resend',
    {
      schema: {
        tags,
        summary: 'Send the verification email again (202); 429 with Retry-After when a quota refuses',
        params: IdParams,
        body: ResendBody,
        response: {
          202: Type.Object({ verification: VerificationSchema, message_id: Type.String() }),
          429: ErrorSchema,
          410: ErrorSchema,
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const result = await deps.verifications.resend(req.actor, req.params.id, { locale: req.body.locale, ip: req.ip });
      return reply.code(202).send({ verification: verificationJson(result.verification), message_id: result.messageId });
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/verifications/:id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancel a pending verification',
        params: IdParams,
        body: EmptyBody,
        response: { 200: VerificationSchema, ...errors },
      },
    },
    async (req) => verificationJson(await deps.verifications.cancel(req.actor, req.params.id)),
  );

  app.post<{ Body: Static<typeof ConfirmBody> }>(
    '/confirm',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Confirm by token (no bearer token: the token is the credential)',
        body: ConfirmBody,
        response: { 200: ConfirmationSchema, 410: ErrorSchema, ...errors },
      },
    },
    async (req) => confirmationJson(await deps.verifications.confirm(req.body.token, req.ip)),
  );
};
