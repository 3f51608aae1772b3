import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../core/access/authenticator.js';
import type { AccountService } from '../../core/accounts/service.js';
import type { Clock } from '../../core/clock.js';
import type { ReplayGuard } from '../../core/requests/replay-guard.js';
import { type ActionDeps, actions } from './actions.js';
import { type AlibabaAuthDeps, authenticate } from './authenticate.js';
import { fallbackFormat, type RawRpcRequest, readCall } from './call.js';
import { AlibabaError, type Lang } from './errors.js';
import { type Format, renderBody } from './render.js';

const VERSIONS = ['2018-01-29', '2017-12-18'];

/** What the Alibaba dialect uses: core services only. */
export interface AlibabaDeps extends ActionDeps {
  authenticator: Pick<Authenticator, 'owner'>;
  accounts: Pick<AccountService, 'accessKeySecret'>;
  replayGuard: ReplayGuard;
  clock: Clock;
}

const rawRequest = (req: FastifyRequest): RawRpcRequest => ({
  method: req.method,
  url: req.url,
  headers: req.headers,
  body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
});

/**
 * Alibaba Cloud's RPC style on `/`: the action picks the operation, every request is signed
 * (signature v1 or V3), answers are XML or JSON, and whole-request errors use the Error envelope.
 */
export const alibabaDialect = (deps: AlibabaDeps) => async (app: FastifyInstance) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 65_536 }, (_req, body, done) => done(null, body));
  const authDeps: AlibabaAuthDeps = {
    clock: deps.clock,
    accessKeySecret: (id) => deps.accounts.accessKeySecret(id),
    admit: (credential, nonce, limits) => deps.replayGuard.admit(credential, nonce, limits),
  };

  const reply = (res: FastifyReply, format: Format, status: number, root: string, body: Record<string, unknown>) => {
    const out = renderBody(format, root, body);
    return res.code(status).header('content-type', out.contentType).send(out.text);
  };

  const fail = (req: FastifyRequest, res: FastifyReply, e: AlibabaError, format: Format, lang: Lang, requestId: string) =>
    reply(res, format, e.status(), 'Error', { RequestId: requestId, HostId: req.hostname, Code: e.code, Message: e.text(lang) });

  app.route({
    method: ['GET', 'POST'],
    url: '/',
    schema: { hide: true },
    handler: async (req, res) => {
      const requestId = randomUUID().toUpperCase();
      const raw = rawRequest(req);
      let format: Format = fallbackFormat(raw);
      let lang: Lang = 'en';
      try {
        const call = readCall(raw);
        const p = call.params;
        format = call.format;
        lang = p.Lang === 'zh' ? 'zh' : 'en';
        if (!call.action) throw new AlibabaError('MissingAction');
        const action = Object.hasOwn(actions, call.action) ? actions[call.action] : undefined;
        if (!action) throw new AlibabaError('InvalidApi.NotFound');
        if (!call.version) throw new AlibabaError('MissingVersion');
        if (!VERSIONS.includes(call.version)) throw new AlibabaError('InvalidApi.NotFound');
        const accountId = await authenticate(authDeps, call);
        for (const name of action.required) if (!p[name]) throw new AlibabaError(`Missing${name}`);
        if (p.UserClientIp !== undefined && !/^[0-9a-fA-F:.]{2,45}$/.test(p.UserClientIp))
          throw new AlibabaError('InvalidParameter.Format');
        const body = await action.run({ deps, actor: deps.authenticator.owner(accountId), accountId, params: p, lang, ip: req.ip });
        return reply(res, format, 200, `${call.action}Response`, { RequestId: requestId, ...body });
      } catch (e) {
        if (e instanceof AlibabaError) return fail(req, res, e, format, lang, requestId);
        req.log.error({ err: e }, 'alibaba request failed');
        return fail(req, res, new AlibabaError('InternalError'), format, lang, requestId);
      }
    },
  });

  app.setErrorHandler((err, req, res) => {
    req.log.warn({ err }, 'alibaba request refused before the handler');
    return fail(req, res, new AlibabaError('InvalidParameter.Format'), fallbackFormat(rawRequest(req)), 'en', randomUUID().toUpperCase());
  });
};
