import Type from 'typebox';
import { channelIds, messageStatuses, purposes, verificationStates } from '../../core/model.js';

const Email = Type.String({ minLength: 3, maxLength: 254, description: 'An email address' });
const Locale = Type.String({ pattern: '^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,2}$', maxLength: 20 });
export const Limit = Type.String({ pattern: '^(100|[1-9][0-9]?)$', description: '1 to 100, default 20' });
export const Cursor = Type.String({ maxLength: 200 });
/** Ids: UUIDs, or a webhook delivery's event id and endpoint id joined by a dot. */
const Id = Type.String({ minLength: 1, maxLength: 96, pattern: '^[A-Za-z0-9._-]+$' });
/** Nullable as a type list, not anyOf: the response serializer then needs no validation pass. */
const nullable = <T>(type: 'string' | 'integer') => Type.Unsafe<T | null>({ type: [type, 'null'] });
const Iso = nullable<string>('string');
const strict = { additionalProperties: false } as const;

export const IdParams = Type.Object({ id: Id }, strict);
export const KeyParams = Type.Object({ id: Id, keyId: Id }, strict);

export const CreateVerificationBody = Type.Object(
  {
    recipient: Email,
    purpose: Type.Union(purposes.map((p) => Type.Literal(p))),
    locale: Type.Optional(Locale),
    account: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  strict,
);

export const ResendBody = Type.Object({ locale: Type.Optional(Locale) }, strict);
export const EmptyBody = Type.Object({}, strict);
export const ConfirmBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 512 }) }, strict);

export const ListVerificationsQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(verificationStates.map((s) => Type.Literal(s)))),
    recipient: Type.Optional(Email),
    purpose: Type.Optional(Type.Union(purposes.map((p) => Type.Literal(p)))),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Limit),
  },
  strict,
);

export const ListMessagesQuery = Type.Object(
  {
    verification: Type.Optional(Id),
    status: Type.Optional(Type.Union(messageStatuses.map((s) => Type.Literal(s)))),
    channel: Type.Optional(Type.Union(channelIds.map((c) => Type.Literal(c)))),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(Limit),
  },
  strict,
);

export const InboxQuery = Type.Object({ to: Type.Optional(Email), cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) }, strict);
export const PageQuery = Type.Object(
  { state: Type.Optional(Type.String({ maxLength: 32 })), cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) },
  strict,
);

const OrderNumber = Type.Union([Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._-]+$' }), Type.Integer({ minimum: 1 })]);

export const CreateOrderBody = Type.Object(
  {
    type: Type.Union([Type.Literal('smime'), Type.Literal('ssl')]),
    orderNumber: OrderNumber,
    baseOrderNumber: Type.Optional(OrderNumber),
    emails: Type.Optional(Type.Array(Email, { maxItems: 100 })),
    domains: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 250 })),
    dcvEmail: Type.Optional(Email),
    state: Type.Optional(Type.String({ maxLength: 32 })),
    locale: Type.Optional(Locale),
    account: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  strict,
);

export const CreateIdentityBody = Type.Object(
  {
    email: Email,
    state: Type.Optional(Type.String({ maxLength: 32 })),
    locale: Type.Optional(Locale),
    account: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  strict,
);

export const CreateSignupBody = Type.Object(
  {
    emailAddress: Email,
    firstName: Type.Optional(Type.String({ maxLength: 100 })),
    lastName: Type.Optional(Type.String({ maxLength: 100 })),
    state: Type.Optional(Type.String({ maxLength: 32 })),
    locale: Type.Optional(Locale),
    account: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  strict,
);

export const CreateAccountBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    loginName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    loginPassword: Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
    permissions: Type.Optional(Type.Record(Type.String({ maxLength: 32 }), Type.Boolean())),
  },
  strict,
);

export const CreateKeyBody = Type.Object(
  { role: Type.Optional(Type.Integer()), label: Type.Optional(Type.String({ maxLength: 100 })) },
  strict,
);

export const VerificationSchema = Type.Object({
  id: Type.String(),
  account_id: nullable<string>('string'),
  subject_id: nullable<string>('string'),
  recipient: Type.String(),
  purpose: Type.String(),
  scope: Type.Array(Type.String()),
  state: Type.String(),
  locale: Type.String(),
  created_at: Iso,
  updated_at: Iso,
  expires_at: Iso,
  send_count: Type.Integer(),
  last_sent_at: Iso,
  confirmed_at: Iso,
  cancelled_at: Iso,
});

export const ConfirmationSchema = Type.Object({ state: Type.String(), purpose: Type.String(), confirmed_at: Iso });

export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
    retry_after_seconds: Type.Optional(Type.Integer()),
  }),
});

export const pageLimit = (limit: string | undefined): number => (limit === undefined ? 20 : Number(limit));
