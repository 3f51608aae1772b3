import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Authenticator } from '../../core/access/authenticator.js';
import type { AccountService } from '../../core/accounts/service.js';
import { CoreError } from '../../core/errors.js';
import type { FaultRegistry } from '../../core/faults/registry.js';
import type { MessageQueries } from '../../core/messages/service.js';
import type { SubjectService } from '../../core/subjects/service.js';
import type { BounceService } from '../../core/suppressions/bounces.js';
import type { SuppressionService } from '../../core/suppressions/service.js';
import type { TemplateService } from '../../core/templates/service.js';
import { Unavailable } from '../../core/unavailable.js';
import type { VerificationService } from '../../core/verification/service.js';
import type { WebhookService } from '../../core/webhooks/service.js';
import { authenticate } from './auth.js';
import { type NativeErrorBody, nativeStatus, type RequestErrorCode } from './errors.js';
import { accountRoutes } from './routes/accounts.js';
import { messageRoutes } from './routes/messages.js';
import { sandboxRoutes } from './routes/sandbox.js';
import { subjectRoutes } from './routes/subjects.js';
import { suppressionRoutes } from './routes/suppressions.js';
import { templateRoutes } from './routes/templates.js';
import { verificationRoutes } from './routes/verifications.js';
import { webhookRoutes } from './routes/webhooks.js';

const body = (code: string, message: string, extra: Partial<NativeErrorBody['error']> = {}): NativeErrorBody => ({
  error: { code, message, ...extra },
});

/** Fastify's own request errors, in the native error shape. */
const requestError = (err: FastifyError): { status: number; code: RequestErrorCode | 'VALIDATION_FAILED'; message: string } | null => {
  if (err.validation) {
    const first = err.validation[0];
    const extra =
      first?.params && 'additionalProperty' in first.params ? `: '${String(first.params.additionalProperty)}' is not a known field` : '';
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      message: `${err.validationContext ?? 'request'}${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}${extra}`,
    };
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'MALFORMED_JSON', message: 'The body is not valid JSON.' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The body is larger than the service accepts.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the body as application/json.' };
  }
  if (err instanceof SyntaxError) return { status: 400, code: 'MALFORMED_JSON', message: 'The body is not valid JSON.' };
  return null;
};

/** What the native API uses: core services only. */
export interface NativeDeps {
  authenticator: Authenticator;
  verifications: VerificationService;
  subjects: SubjectService;
  accounts: AccountService;
  messages: MessageQueries;
  webhooks: WebhookService;
  suppressions: SuppressionService;
  bounces: BounceService;
  templates: TemplateService;
  /** Largest bounce report accepted at POST /bounces. */
  bounceMaxBytes: number;
  logger: Logger;
  /** Sandbox mode only. */
  faults: FaultRegistry | null;
}

export const sendNativeError = (logger: Logger, err: unknown, req: FastifyRequest, reply: FastifyReply) => {
  if (err instanceof CoreError) {
    const extra: Partial<NativeErrorBody['error']> = {};
    if (err.details.field) extra.field = err.details.field;
    if (err.code === 'QUOTA_EXCEEDED') {
      const seconds = Math.max(1, Math.ceil((err.details.retryAfterMs ?? 1000) / 1000));
      reply.header('Retry-After', String(seconds));
      extra.retry_after_seconds = seconds;
    }
    if (err.code === 'UNAUTHENTICATED') reply.header('WWW-Authenticate', 'Bearer');
    if (err.code === 'RECIPIENT_SUPPRESSED' && err.details.recipients) extra.recipients = err.details.recipients;
    return reply.code(nativeStatus[err.code]).send(body(err.code, err.message, extra));
  }
  const known = requestError(err as FastifyError);
  if (known) return reply.code(known.status).send(body(known.code, known.message));
  const status = (err as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500)
    return reply.code(status).send(body('BAD_REQUEST', 'The request could not be processed.'));
  if (err instanceof Unavailable) {
    logger.error({ err, reqId: req.id }, 'database unavailable');
    reply.header('Retry-After', '5');
    return reply.code(503).send(body('SERVICE_UNAVAILABLE', 'The service cannot reach its database right now; try again shortly.'));
  }
  logger.error({ err, reqId: req.id }, 'unhandled error');
  return reply.code(500).send(body('INTERNAL_ERROR', 'The service failed to process the request; nothing was changed by it.'));
};

/** The native JSON API (`/v1`): its own auth, error handler and not-found answer. */
export const nativeDialect = (deps: NativeDeps) => async (app: FastifyInstance) => {
  app.decorateRequest('actor', null as never);
  app.addHook('preValidation', async (req) => {
    // POST actions without a body (resend, cancel) validate as an empty object.
    if (req.body === undefined && req.method === 'POST') req.body = {};
  });
  app.addHook('onRequest', async (req) => authenticate(deps.authenticator, req));
  app.setErrorHandler((err, req, reply) => sendNativeError(deps.logger, err, req, reply));
  app.setNotFoundHandler((req, reply) => reply.code(404).send(body('ROUTE_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`)));
  await app.register(verificationRoutes(deps));
  await app.register(messageRoutes(deps));
  await app.register(subjectRoutes(deps));
  await app.register(accountRoutes(deps));
  if (deps.faults) await app.register(sandboxRoutes(deps.faults));
  await app.register(webhookRoutes(deps));
  await app.register(suppressionRoutes(deps));
  await app.register(templateRoutes(deps));
};
