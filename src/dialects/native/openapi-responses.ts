import Type, { type TSchema } from 'typebox';
import { ErrorSchema, VerificationSchema } from './schemas.js';

/**
 * Response bodies of the routes that do not declare a response schema, for the OpenAPI document
 * only (serialization is unchanged). Closed objects: a test validates real answers against them, so
 * a field added to a mapper and not here fails it.
 */
const nullable = (type: 'string' | 'integer') => Type.Unsafe<unknown>({ type: [type, 'null'] });
const Iso = nullable('string');
const closed = { additionalProperties: false } as const;

const Attempt = Type.Object(
  { number: Type.Integer(), started_at: Iso, finished_at: Iso, result: Type.String(), response: nullable('string') },
  closed,
);

const messageFields = {
  id: Type.String(),
  channel: Type.String({ description: 'email or webhook' }),
  event: Type.Optional(nullable('string')),
  verification_id: Type.String(),
  account_id: nullable('string'),
  recipient: Type.String(),
  purpose: Type.String(),
  locale: Type.String(),
  message_id: Type.String(),
  status: Type.String(),
  abandoned: Type.Boolean(),
  attempts: Type.Integer(),
  next_attempt_at: Iso,
  last_error: nullable('string'),
  response: nullable('string'),
  sent_at: Iso,
  created_at: Iso,
};
const Message = Type.Object(messageFields, closed);
const Bounce = Type.Object({ kind: Type.String(), status: nullable('string'), diagnostic: nullable('string'), received_at: Iso }, closed);
const MessageWithAttempts = Type.Object({ ...messageFields, attempt_log: Type.Array(Attempt), bounces: Type.Array(Bounce) }, closed);

const webhookFields = {
  id: Type.String(),
  account_id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  created_at: Iso,
};
const Webhook = Type.Object(webhookFields, closed);
const NewWebhook = Type.Object(
  { ...webhookFields, secret: Type.String({ description: 'whsec_...: the signing secret, in this response only' }) },
  closed,
);
const Suppression = Type.Object(
  {
    address: Type.String(),
    account_id: nullable('string'),
    reason: Type.String(),
    message_id: nullable('string'),
    detail: nullable('string'),
    created_at: Iso,
  },
  closed,
);
const Preview = Type.Object({ subject: Type.String(), text: Type.String(), html: Type.String(), locale: Type.String() }, closed);
const BounceOutcome = Type.Object(
  {
    result: Type.String({ description: 'bounced, soft, duplicate or dropped' }),
    messageId: Type.Optional(Type.String()),
    kind: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
  },
  closed,
);

const Captured = Type.Object(
  {
    id: Type.String(),
    message_id: Type.String(),
    to: Type.String(),
    from: Type.String(),
    subject: Type.String(),
    text: Type.String(),
    html: Type.String(),
    links: Type.Array(Type.String(), { description: 'Targets of the HTML part’s links (the confirm link)' }),
    captured_at: Iso,
  },
  closed,
);

const Subject = Type.Object(
  {
    id: Type.String(),
    account_id: nullable('string'),
    state: Type.String(),
    created_at: Iso,
    updated_at: Iso,
    type: Type.Optional(Type.String({ description: 'Orders: smime or ssl' })),
    order_number: Type.Optional(nullable('string')),
    base_order_number: Type.Optional(nullable('string')),
    domains: Type.Optional(Type.Array(Type.String())),
    dcv_email: Type.Optional(nullable('string')),
    emails: Type.Optional(Type.Array(Type.String())),
    email: Type.Optional(nullable('string')),
    email_address: Type.Optional(nullable('string')),
    first_name: Type.Optional(nullable('string')),
    last_name: Type.Optional(nullable('string')),
    verifications: Type.Optional(Type.Array(VerificationSchema, { description: 'In answers about one subject' })),
  },
  closed,
);

const Account = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    login_name: nullable('string'),
    permissions: Type.Record(Type.String(), Type.Boolean()),
    created_at: Iso,
  },
  closed,
);

const keyFields = {
  id: Type.String(),
  account_id: Type.String(),
  role: Type.Integer(),
  label: nullable('string'),
  hint: Type.String({ description: 'The last characters, to tell keys apart' }),
  created_at: Iso,
  revoked_at: Iso,
};
const ApiKey = Type.Object(keyFields, closed);
const NewApiKey = Type.Object({ ...keyFields, key: Type.String({ description: 'Shown in this response only' }) }, closed);
const NewAccessKey = Type.Object(
  { id: Type.String(), account_id: Type.String(), secret: Type.String({ description: 'Shown in this response only' }), created_at: Iso },
  closed,
);

const pageOf = (item: TSchema) => Type.Object({ items: Type.Array(item), next_cursor: nullable('string') }, closed);

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const noContent = { 204: Type.Null({ description: 'No content' }), ...errors };

export const documentedResponses: Record<string, Record<number, TSchema>> = {
  'GET /v1/messages': { 200: pageOf(Message), ...errors },
  'GET /v1/messages/:id': { 200: MessageWithAttempts, ...errors },
  'GET /v1/inbox': { 200: pageOf(Captured), ...errors },
  'POST /v1/accounts': { 201: Account, ...errors },
  'GET /v1/accounts': { 200: pageOf(Account), ...errors },
  'GET /v1/accounts/:id': { 200: Account, ...errors },
  'POST /v1/accounts/:id/keys': { 201: NewApiKey, ...errors },
  'GET /v1/accounts/:id/keys': { 200: Type.Object({ items: Type.Array(ApiKey) }, closed), ...errors },
  'GET /v1/accounts/:id/keys/:keyId': { 200: ApiKey, ...errors },
  'DELETE /v1/accounts/:id/keys/:keyId': noContent,
  'POST /v1/accounts/:id/access-keys': { 201: NewAccessKey, ...errors },
  'POST /v1/webhooks': { 201: NewWebhook, ...errors },
  'GET /v1/webhooks': { 200: pageOf(Webhook), ...errors },
  'GET /v1/webhooks/:id': { 200: Webhook, ...errors },
  'DELETE /v1/webhooks/:id': noContent,
  'GET /v1/webhooks/:id/deliveries': { 200: pageOf(Message), ...errors },
  'GET /v1/suppressions': { 200: pageOf(Suppression), ...errors },
  'DELETE /v1/suppressions/:address': noContent,
  'GET /v1/templates/preview': { 200: Preview, ...errors },
  'POST /v1/bounces': { 202: BounceOutcome, ...errors },
  ...Object.fromEntries(
    ['/v1/orders', '/v1/email-identities', '/v1/signups'].flatMap((path) => [
      [`POST ${path}`, { 201: Subject, ...errors }],
      [`GET ${path}`, { 200: pageOf(Subject), ...errors }],
      [`GET ${path}/:id`, { 200: Subject, ...errors }],
    ]),
  ),
};

/**
 * @fastify/swagger's `transform`: only the native API (`/v1`) is documented; the vendor dialects
 * have their own pages, and HTML pages are not an API. Routes without a response schema get theirs.
 */
export const openapiTransform = ({
  schema,
  url,
  route,
}: {
  schema: Record<string, unknown>;
  url: string;
  route: { method: string | string[] };
}) => {
  if (!url.startsWith('/v1/')) return { schema: { ...schema, hide: true }, url };
  const method = Array.isArray(route.method) ? route.method[0] : route.method;
  const documented = documentedResponses[`${method} ${url}`];
  return { schema: schema?.response || !documented ? schema : { ...schema, response: documented }, url };
};
