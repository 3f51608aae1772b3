import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isValidRecipient } from '../../core/addresses.js';
import { CoreError } from '../../core/errors.js';
import type { AnonymousRequests } from '../../core/signups/anonymous-requests.js';
import type { SignupService } from '../../core/signups/service.js';
import { acceptsOurs, type BodyKind, bodyKind } from './negotiation.js';

class AkanaError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const errorMessages: Record<number, string> = {
  400: 'The request is not valid.',
  404: 'Not Found. The Accept or Content-Type of the request is not supported.',
  405: 'Method Not Allowed.',
  500: 'An error occurred processing the call.',
  503: 'Service Unavailable.',
};

const sendError = (reply: FastifyReply, e: AkanaError) =>
  reply
    .code(e.status)
    .header('cache-control', 'no-cache')
    .header('content-type', 'application/json')
    .send(JSON.stringify({ code: e.status, message: e.message }));

/** The one answer every accepted anonymous request gets, whatever happens behind it. */
const sendAccepted = (reply: FastifyReply) => reply.code(200).header('cache-control', 'no-cache').send();

type Fields = Record<string, unknown>;

/** What the Akana dialect uses. */
export interface AkanaDeps {
  signups: Pick<SignupService, 'verifyCode' | 'complete'>;
  anonymous: Pick<AnonymousRequests, 'accept'>;
}

const readBody = (req: FastifyRequest, allowed: BodyKind[]): Fields => {
  const kind = bodyKind(req.headers['content-type'], allowed);
  if (!kind) throw new AkanaError(404, errorMessages[404] as string);
  const text = typeof req.body === 'string' ? req.body : '';
  if (kind === 'form') return Object.fromEntries(new URLSearchParams(text));
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Fields;
  } catch {}
  throw new AkanaError(400, 'The body is not a JSON object.');
};

const text = (fields: Fields, name: string, max: number, required = false): string | undefined => {
  const v = fields[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw new AkanaError(400, `${name} is required.`);
    return undefined;
  }
  if (typeof v !== 'string' || v.length > max) throw new AkanaError(400, `${name} is not valid.`);
  return v;
};

const address = (fields: Fields, name: string): string => {
  const v = text(fields, name, 254, true) as string;
  if (!isValidRecipient(v)) throw new AkanaError(400, `${name} is not a valid email address.`);
  return v;
};

/**
 * Akana's anonymous sign-up API. The verb is checked first (405), then Accept and Content-Type (404),
 * then the fields (400). `resendActivation` and `signupUser` are recorded durably, the same way for
 * every address, and answered once recorded; the core works them later on its own schedule, so
 * status, headers, body and timing are the same for a pending, unknown, activated or over-quota address.
 */
export const akanaDialect = (deps: AkanaDeps) => async (app: FastifyInstance) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16_384 }, (_req, body, done) => done(null, body));

  const post = (url: string, handle: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) =>
    app.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url,
      schema: { hide: true },
      handler: async (req, reply) => {
        try {
          if (req.method !== 'POST') {
            reply.header('allow', 'POST');
            throw new AkanaError(405, errorMessages[405] as string);
          }
          if (!acceptsOurs(req.headers.accept)) throw new AkanaError(404, errorMessages[404] as string);
          return await handle(req, reply);
        } catch (e) {
          if (e instanceof AkanaError) return sendError(reply, e);
          if (e instanceof CoreError && e.code !== 'CONCURRENT_UPDATE') return sendError(reply, new AkanaError(400, e.message));
          req.log.error({ err: e }, 'akana request failed');
          return sendError(reply, new AkanaError(500, errorMessages[500] as string));
        }
      },
    });

  post('/resendActivation', async (req, reply) => {
    const email = address(readBody(req, ['form']), 'emailAddress');
    await deps.anonymous.accept({ kind: 'resend_activation', email }, req.ip);
    return sendAccepted(reply);
  });

  const signup = async (req: FastifyRequest, reply: FastifyReply) => {
    const body = readBody(req, ['form', 'json']);
    const email = address(body, 'EmailAddress');
    const firstName = text(body, 'FirstName', 100);
    const lastName = text(body, 'LastName', 100);
    const invitationCode = (req.params as { code?: string }).code;
    if (invitationCode !== undefined && invitationCode.length > 128) throw new AkanaError(400, 'The invitation code is not valid.');
    await deps.anonymous.accept({ kind: 'signup', email, firstName, lastName, invitationCode }, req.ip);
    return sendAccepted(reply);
  };
  post('/signupUser', signup);
  post('/signupUser/:code', signup);

  post('/verifySignup', async (req, reply) => {
    const code = text(readBody(req, ['form', 'json']), 'signupCode', 512, true) as string;
    const result = await deps.signups.verifyCode(code, req.ip);
    if (result === 'valid') return sendAccepted(reply);
    if (result === 'expired_resent') throw new AkanaError(400, 'The sign-up code has expired. A new one has been sent to the address.');
    throw new AkanaError(400, 'The sign-up code is not valid.');
  });

  post('/completeSignup', async (req, reply) => {
    const body = readBody(req, ['json']);
    const password = text(body, 'Password', 128, true) as string;
    if (password.length < 8) throw new AkanaError(400, 'Password must be at least 8 characters.');
    await deps.signups.complete({
      email: address(body, 'EmailAddress'),
      code: text(body, 'SignupCode', 512, true) as string,
      password,
      firstName: text(body, 'FirstName', 100),
      lastName: text(body, 'LastName', 100),
      ip: req.ip,
    });
    return sendAccepted(reply);
  });

  app.setNotFoundHandler((_req, reply) => sendError(reply, new AkanaError(404, 'Not Found.')));
  app.setErrorHandler((err, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 413) return sendError(reply, new AkanaError(400, 'The body is too large.'));
    req.log.error({ err }, 'akana request failed before the handler');
    return sendError(reply, new AkanaError(500, errorMessages[500] as string));
  });
};
