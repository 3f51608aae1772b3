import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../core/access/authenticator.js';
import type { Principal } from '../../core/access/permissions.js';
import type { LoginService } from '../../core/accounts/login.js';
import type { DcvService } from '../../core/dcv/service.js';
import { CoreError } from '../../core/errors.js';
import type { MailboxResendService } from '../../core/subjects/mailbox-resend.js';
import { fromCore, SectigoError } from './errors.js';
import { type Endpoint, endpointParams, parseParams } from './params.js';
import { addressListJson, addressListText, formResponse, jsonError, type Rendered, textResponse } from './responses.js';

type Params = Record<string, string>;

/** What the Sectigo dialect uses: core services only. */
export interface SectigoDeps {
  authenticator: Pick<Authenticator, 'owner'>;
  logins: LoginService;
  mailboxes: MailboxResendService;
  dcv: DcvService;
  requireHttps: boolean;
}

interface Route {
  path: string;
  endpoint: Endpoint;
  /** How an error is written before the request says otherwise (responseFormat). */
  errorFormat: (e: SectigoError) => Rendered;
  /** Checks that need no login, after the parameter table. */
  precheck?: (deps: SectigoDeps, params: Params) => void;
  handle: (deps: SectigoDeps, req: FastifyRequest, params: Params, actor: Principal) => Promise<Rendered>;
}

const routes: Route[] = [
  {
    path: '/!ResendVerificationEmailSMIME',
    endpoint: 'smime',
    errorFormat: (e) => textResponse(e),
    handle: async (deps, req, p, actor) => {
      const emails = p.emailAddress?.split(',').map((e) => e.trim());
      await deps.mailboxes.resend(actor, { orderNumber: p.orderNumber ?? '', emails, ip: req.ip });
      return textResponse();
    },
  },
  {
    path: '/!ResendDCVEmail',
    endpoint: 'dcv',
    errorFormat: (e) => formResponse(e),
    precheck: (deps, p) => {
      if (p.orderNumber === undefined && p.baseOrderNumber === undefined) throw new SectigoError('-3', 'orderNumber');
      // A set no account has is refused before the login; one of another account, after it (by the core).
      if (p.dcvTemplateID !== undefined && !deps.dcv.isKnownTemplate(String(Number(p.dcvTemplateID))))
        throw new SectigoError('-4', 'dcvTemplateID');
    },
    handle: async (deps, req, p, actor) => {
      await deps.dcv.resendOrder(actor, {
        orderNumber: p.orderNumber === undefined ? undefined : String(Number(p.orderNumber)),
        baseOrderNumber: p.orderNumber === undefined && p.baseOrderNumber !== undefined ? String(Number(p.baseOrderNumber)) : undefined,
        targets: p.dcvEmailAddress === undefined ? undefined : [{ email: p.dcvEmailAddress }],
        targetField: 'dcvEmailAddress',
        requireOffer: true,
        templateId: p.dcvTemplateID === undefined ? undefined : String(Number(p.dcvTemplateID)),
        templateField: 'dcvTemplateID',
        ip: req.ip,
      });
      return formResponse();
    },
  },
  {
    path: '/!GetDCVEmailAddressList',
    endpoint: 'list',
    errorFormat: (e) => textResponse(e),
    precheck: (_deps, p) => {
      if (p.responseFormat !== undefined && p.responseFormat !== '1' && p.responseFormat !== '2')
        throw new SectigoError('-4', 'responseFormat');
    },
    handle: async (deps, _req, p, actor) => {
      const list = await deps.dcv.addressList(actor, p.domainName ?? '');
      return p.responseFormat === '2' ? addressListJson(list) : addressListText(list);
    },
  },
];

const send = (reply: FastifyReply, r: Rendered) =>
  reply.code(200).header('content-type', r.contentType).header('cache-control', 'no-store').send(r.body);

/**
 * Sectigo's `/products/!Name` endpoints: form in, Sectigo's codes and formats out, always HTTP 200.
 * Checks run in the vendor's order: HTTPS (-1), POST (-17), the parameter table (-2, -3, -4),
 * the login (-16), then the core's answer mapped through the one error table.
 */
export const sectigoDialect = (deps: SectigoDeps) => async (app: FastifyInstance) => {
  app.removeAllContentTypeParsers();
  // Every body is read as a form, whatever it claims to be: a client that mislabels it still gets Sectigo's own errors.
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 262_144 }, (_req, body, done) => done(null, body));

  for (const route of routes) {
    app.route({
      method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
      url: route.path,
      schema: { hide: true },
      handler: async (req, reply) => {
        let errorFormat = route.errorFormat;
        try {
          if (deps.requireHttps && req.protocol !== 'https') throw new SectigoError('-1');
          if (req.method !== 'POST') throw new SectigoError('-17');
          const params = parseParams(typeof req.body === 'string' ? req.body : '', endpointParams[route.endpoint]);
          route.precheck?.(deps, params);
          if (params.responseFormat === '2') errorFormat = jsonError;
          const login = await deps.logins.authenticate(params.loginName ?? '', params.loginPassword ?? '', req.ip);
          if (!login.ok) throw new SectigoError(login.reason === 'busy' ? '-14' : '-16');
          return send(reply, await route.handle(deps, req, params, deps.authenticator.owner(login.account.id)));
        } catch (e) {
          if (e instanceof SectigoError) return send(reply, errorFormat(e));
          if (e instanceof CoreError) {
            const mapped = fromCore(e.code, e.details.field, route.endpoint, e.details.state);
            if (mapped.code === '-14') req.log.error({ err: e }, 'sectigo request failed');
            return send(reply, errorFormat(mapped));
          }
          req.log.error({ err: e }, 'sectigo request failed');
          return send(reply, errorFormat(new SectigoError('-14')));
        }
      },
    });
  }

  app.setErrorHandler((err, req, reply) => {
    // Body too large or unreadable: still an answer in Sectigo's format.
    req.log.warn({ err }, 'sectigo request refused before the handler');
    const route = routes.find((r) => req.url.startsWith(`/products${r.path}`));
    return send(reply, (route?.errorFormat ?? textResponse)(new SectigoError('-14')));
  });
};
