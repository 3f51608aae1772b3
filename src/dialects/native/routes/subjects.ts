import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { CoreError } from '../../../core/errors.js';
import type { SubjectKind } from '../../../core/subjects/model.js';
import type { NewSubject } from '../../../core/subjects/service.js';
import { subjectJson } from '../mapper.js';
import type { NativeDeps } from '../plugin.js';
import { CreateIdentityBody, CreateOrderBody, CreateSignupBody, IdParams, PageQuery, pageLimit } from '../schemas.js';

interface Collection<B> {
  path: string;
  tag: string;
  kinds: SubjectKind[];
  body: unknown;
  toSubject(body: B): Omit<NewSubject, 'accountId'>;
  account(body: B): string | undefined;
}

const orders: Collection<Static<typeof CreateOrderBody>> = {
  path: '/orders',
  tag: 'orders',
  kinds: ['smime_order', 'ssl_order'],
  body: CreateOrderBody,
  toSubject: (b) => ({
    kind: b.type === 'smime' ? 'smime_order' : 'ssl_order',
    number: String(b.orderNumber),
    baseNumber: b.baseOrderNumber === undefined ? null : String(b.baseOrderNumber),
    state: b.state,
    emails: b.emails,
    domains: b.domains,
    dcvEmail: b.dcvEmail,
    locale: b.locale,
  }),
  account: (b) => b.account,
};

const identities: Collection<Static<typeof CreateIdentityBody>> = {
  path: '/email-identities',
  tag: 'email identities',
  kinds: ['email_identity'],
  body: CreateIdentityBody,
  toSubject: (b) => ({ kind: 'email_identity', state: b.state, emails: [b.email], locale: b.locale }),
  account: (b) => b.account,
};

const signups: Collection<Static<typeof CreateSignupBody>> = {
  path: '/signups',
  tag: 'signups',
  kinds: ['signup'],
  body: CreateSignupBody,
  toSubject: (b) => ({
    kind: 'signup',
    state: b.state,
    emails: [b.emailAddress],
    attributes: { ...(b.firstName ? { firstName: b.firstName } : {}), ...(b.lastName ? { lastName: b.lastName } : {}) },
    locale: b.locale,
  }),
  account: (b) => b.account,
};

/** Create, get and list for one kind of subject; creating one starts its verifications as seeding does. */
const collection =
  <B>(deps: NativeDeps, c: Collection<B>) =>
  async (app: FastifyInstance) => {
    const load = async (req: FastifyRequest<{ Params: Static<typeof IdParams> }>) => {
      const s = await deps.subjects.get(req.actor, req.params.id);
      if (!c.kinds.includes(s.kind)) throw new CoreError('SUBJECT_NOT_FOUND');
      return s;
    };

    app.post<{ Body: B }>(
      c.path,
      { schema: { tags: [c.tag], summary: `Create (starts its first verifications)`, body: c.body as object } },
      async (req, reply) => {
        const b = req.body as B;
        const { subject, verifications } = await deps.subjects.create(
          req.actor,
          { ...c.toSubject(b), account: c.account(b) },
          { ip: req.ip },
        );
        return reply.code(201).send(subjectJson(subject, verifications));
      },
    );

    app.get<{ Params: Static<typeof IdParams> }>(
      `${c.path}/:id`,
      { schema: { tags: [c.tag], summary: 'Get one, with its verifications', params: IdParams } },
      async (req) => {
        const s = await load(req);
        return subjectJson(s, await deps.subjects.verificationsOf(s));
      },
    );

    app.get<{ Querystring: Static<typeof PageQuery> }>(
      c.path,
      { schema: { tags: [c.tag], summary: 'List, newest first', querystring: PageQuery } },
      async (req) => {
        const page = await deps.subjects.list(req.actor, {
          kinds: c.kinds,
          state: req.query.state,
          cursor: req.query.cursor,
          limit: pageLimit(req.query.limit),
        });
        return { items: page.items.map((s) => subjectJson(s)), next_cursor: page.nextCursor };
      },
    );
  };

export const subjectRoutes = (deps: NativeDeps) => async (app: FastifyInstance) => {
  await app.register(collection(deps, orders));
  await app.register(collection(deps, identities));
  await app.register(collection(deps, signups));
};
