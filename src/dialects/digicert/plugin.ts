import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { constructedAddresses } from '../../core/dcv/addresses.js';
import { CoreError } from '../../core/errors.js';
import type { ApiKeyRecord } from '../../core/ports.js';
import type { Runtime } from '../../runtime/create-runtime.js';
import { readDomainEmailsBody } from './body.js';
import { DigicertError, fromCore, rolesAllowed } from './errors.js';
import { orderJson } from './mapper.js';
import { resendEmails } from './resend.js';

declare module 'fastify' {
  interface FastifyRequest {
    digicertKey: ApiKeyRecord | null;
  }
}

const orderIdPattern = /^[0-9]{1,18}$/;

const sendError = (reply: FastifyReply, e: DigicertError) => {
  if (e.retryAfterSeconds !== undefined) reply.header('Retry-After', String(e.retryAfterSeconds));
  return reply.code(e.status).send(e.body());
};

const requireRole = (req: FastifyRequest, allowed: readonly number[]): ApiKeyRecord => {
  const key = req.digicertKey;
  if (!key) throw new DigicertError(['access_denied']);
  if (!allowed.includes(key.role)) throw new DigicertError(['access_denied|missing_permission']);
  return key;
};

/**
 * DigiCert CertCentral Services API v2, the DCV email part: `X-DC-DEVKEY` auth, JSON bodies, and
 * errors in DigiCert's `{"errors":[{code,message}]}` envelope, several problems as several entries.
 */
export const digicertDialect = (rt: Runtime) => async (app: FastifyInstance) => {
  app.decorateRequest('digicertKey', null);
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
    const key =
      typeof header === 'string' && header.length > 0 && header.length <= 256 ? await rt.accounts.authenticateApiKey(header) : null;
    if (!key) throw new DigicertError(['access_denied']);
    req.digicertKey = key;
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof DigicertError) return sendError(reply, err);
    if (err instanceof CoreError) return sendError(reply, fromCore(err.code, err.details));
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
    rt.dcv.findOrder((req.digicertKey as ApiKeyRecord).accountId, { orderNumber: orderNumberOf(req) });

  app.put<{ Params: { order_id: string } }>(
    '/order/certificate/:order_id/resend-emails',
    { schema: { hide: true } },
    async (req, reply) => {
      const key = requireRole(req, rolesAllowed.writeOrders);
      const account = await rt.accounts.resolve(key.accountId);
      await resendEmails(rt.dcv, {
        accountId: key.accountId,
        orderNumber: orderNumberOf(req),
        body: req.body,
        ip: req.ip,
        permissions: account.permissions,
      });
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { order_id: string } }>('/order/certificate/:order_id', { schema: { hide: true } }, async (req) => {
    requireRole(req, rolesAllowed.readOrders);
    const order = await loadOrder(req);
    return orderJson(order, await rt.subjects.verificationsOf(order));
  });

  app.put<{ Params: { domain: string } }>('/domain/:domain/dcv/emails', { schema: { hide: true } }, async (req, reply) => {
    const key = requireRole(req, rolesAllowed.writeDomains);
    const body = readDomainEmailsBody(req.body);
    try {
      await rt.dcv.sendForName({
        accountId: key.accountId,
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
    requireRole(req, rolesAllowed.readDomains);
    let allowed: Awaited<ReturnType<typeof rt.dcv.allowedFor>>;
    try {
      allowed = await rt.dcv.allowedFor(req.params.domain);
    } catch (e) {
      if (e instanceof CoreError) throw new DigicertError(['invalid_domain']);
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
