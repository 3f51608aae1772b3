import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../core/access/authenticator.js';
import type { Principal } from '../../core/access/permissions.js';
import { constructedAddresses } from '../../core/dcv/addresses.js';
import type { DcvService } from '../../core/dcv/service.js';
import { CoreError } from '../../core/errors.js';
import type { SubjectService } from '../../core/subjects/service.js';
import { readDomainEmailsBody } from './body.js';
import { DigicertError, fromCore } from './errors.js';
import { orderJson } from './mapper.js';
import { resendEmails } from './resend.js';

declare module 'fastify' {
  interface FastifyRequest {
    digicertActor: Principal;
  }
}

/** What the DigiCert dialect uses: core services only. */
export interface DigicertDeps {
  authenticator: Pick<Authenticator, 'apiKey'>;
  dcv: DcvService;
  subjects: Pick<SubjectService, 'verificationsOf'>;
}

const orderIdPattern = /^[0-9]{1,18}$/;

const sendError = (reply: FastifyReply, e: DigicertError) => {
  if (e.retryAfterSeconds !== undefined) reply.header('Retry-After', String(e.retryAfterSeconds));
  return reply.code(e.status).send(e.body());
};

/**
 * DigiCert CertCentral Services API v2, the DCV email part: `X-DC-DEVKEY` auth, JSON bodies, and
 * errors in DigiCert's `{"errors":[{code,message}]}` envelope, several problems as several entries.
 */
export const digicertDialect = (deps: DigicertDeps) => async (app: FastifyInstance) => {
  app.decorateRequest('digicertActor', null as never);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 65_536 }, (_req, body, done) => {
    const text = String(body).trim();
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new DigicertError(['bad_request_format']) as unknown as FastifyError, undefined);
    }
  });

  app.addHook('onRequest', async (req) => {
    const header = req.headers['x-dc-devkey'];
    req.digicertActor = await deps.authenticator.apiKey(typeof header === 'string' && header.length > 0 ? header : null, req.ip);
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof DigicertError) return sendError(reply, err);
    if (err instanceof CoreError) {
      const mapped = fromCore(err.code, err.details);
      if (mapped.status >= 500) req.log.error({ err }, 'digicert request failed');
      return sendError(reply, mapped);
    }
    const status = (err as FastifyError).statusCode;
    if (status !== undefined && status < 500) return sendError(reply, new DigicertError(['bad_request_format']));
    req.log.error({ err }, 'digicert request failed');
    return sendError(reply, new DigicertError(['server_error']));
  });
  app.setNotFoundHandler((_req, reply) => sendError(reply, new DigicertError(['not_found|route'])));

  const orderNumberOf = (req: FastifyRequest<{ Params: { order_id: string } }>) => {
    if (!orderIdPattern.test(req.params.order_id)) throw new DigicertError(['not_found|order']);
    return String(Number(req.params.order_id));
  };
  const loadOrder = async (req: FastifyRequest<{ Params: { order_id: string } }>) =>
    deps.dcv.findOrder(req.digicertActor, { orderNumber: orderNumberOf(req) });

  app.put<{ Params: { order_id: string } }>(
    '/order/certificate/:order_id/resend-emails',
    { schema: { hide: true } },
    async (req, reply) => {
      await resendEmails(deps.dcv, req.digicertActor, {
        orderNumber: orderNumberOf(req),
        body: req.body,
        ip: req.ip,
      });
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { order_id: string } }>('/order/certificate/:order_id', { schema: { hide: true } }, async (req) => {
    const order = await loadOrder(req);
    return orderJson(order, await deps.subjects.verificationsOf(order));
  });

  app.put<{ Params: { domain: string } }>('/domain/:domain/dcv/emails', { schema: { hide: true } }, async (req, reply) => {
    const body = readDomainEmailsBody(req.body);
    try {
      await deps.dcv.sendForName(req.digicertActor, {
        name: body.nameScope ?? req.params.domain,
        emails: body.emails,
        locale: body.locale,
        ip: req.ip,
      });
    } catch (e) {
      if (e instanceof CoreError && (e.code === 'SUBJECT_NOT_FOUND' || e.code === 'VALIDATION_FAILED'))
        throw new DigicertError(['not_found|domain']);
      throw e;
    }
    return reply.code(204).send();
  });

  app.get<{ Params: { domain: string } }>('/domain/:domain/dcv/emails', { schema: { hide: true } }, async (req) => {
    let allowed: Awaited<ReturnType<typeof deps.dcv.allowedFor>>;
    try {
      allowed = await deps.dcv.allowedAddressesFor(req.digicertActor, req.params.domain);
    } catch (e) {
      if (e instanceof CoreError && e.code !== 'FORBIDDEN') throw new DigicertError(['invalid_domain']);
      throw e;
    }
    return {
      name_scope: allowed.adns[0],
      base_emails: constructedAddresses(allowed.adns.at(-1) ?? ''),
      whois_emails: [],
      dns_txt_emails: allowed.dnsTxt,
    };
  });
};
