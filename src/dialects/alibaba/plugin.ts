import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../../core/access/authenticator.js';
import type { AccountService } from '../../core/accounts/service.js';
import type { Clock } from '../../core/clock.js';
import type { ReplayGuard } from '../../core/requests/replay-guard.js';
import { type ActionDeps, actions } from './actions.js';
import { AlibabaError, type Lang } from './errors.js';
import { type Format, renderBody } from './render.js';
import { signRpc } from './signature.js';

const VERSIONS = ['2018-01-29', '2017-12-18'];
const TIMESTAMP_WINDOW_MS = 15 * 60_000;
/** A nonce is remembered for as long as a timestamp can be accepted on either side of now. */
const NONCE_MEMORY_MS = 2 * TIMESTAMP_WINDOW_MS;
/** Requests per second per access key before Throttling.User (chosen). */
const REQUESTS_PER_SECOND = 100;
const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** What the Alibaba dialect uses: core services only. */
export interface AlibabaDeps extends ActionDeps {
  authenticator: Pick<Authenticator, 'owner'>;
  accounts: Pick<AccountService, 'accessKeySecret'>;
  replayGuard: ReplayGuard;
  clock: Clock;
}

/** Parameters of the query (GET) or the query and form body (POST); a repeated name is refused. */
const readParams = (req: FastifyRequest): Record<string, string> => {
  const url = new URL(req.url, 'http://rpc');
  const sources = [url.searchParams, ...(req.method === 'POST' && typeof req.body === 'string' ? [new URLSearchParams(req.body)] : [])];
  const params: Record<string, string> = {};
  for (const source of sources) {
    for (const [k, v] of source) {
      if (Object.hasOwn(params, k)) throw new AlibabaError('InvalidParameter.Format');
      params[k] = v;
    }
  }
  return params;
};

const sameSignature = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Alibaba Cloud's RPC style on `/`: `Action` picks the operation, every request is signed with
 * signature v1, answers are XML (default) or JSON, and whole-request errors use the Error envelope.
 */
export const alibabaDialect = (deps: AlibabaDeps) => async (app: FastifyInstance) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 65_536 }, (_req, body, done) => done(null, body));

  const reply = (res: FastifyReply, format: Format, status: number, root: string, body: Record<string, unknown>) => {
    const out = renderBody(format, root, body);
    return res.code(status).header('content-type', out.contentType).send(out.text);
  };

  const fail = (req: FastifyRequest, res: FastifyReply, e: AlibabaError, format: Format, lang: Lang, requestId: string) =>
    reply(res, format, e.status(), 'Error', { RequestId: requestId, HostId: req.hostname, Code: e.code, Message: e.text(lang) });

  const authenticate = async (req: FastifyRequest, p: Record<string, string>): Promise<string> => {
    for (const name of ['AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureNonce', 'SignatureVersion', 'Timestamp']) {
      if (!p[name]) throw new AlibabaError(`Missing${name}`);
    }
    if (p.SignatureMethod !== 'HMAC-SHA1') throw new AlibabaError('InvalidSignatureMethod');
    if (p.SignatureVersion !== '1.0') throw new AlibabaError('InvalidParameter.Format');
    const at = Date.parse(p.Timestamp ?? '');
    if (!timestampPattern.test(p.Timestamp ?? '') || Number.isNaN(at)) throw new AlibabaError('InvalidTimeStamp.Format');
    const now = deps.clock.now();
    if (Math.abs(now - at) > TIMESTAMP_WINDOW_MS) throw new AlibabaError('InvalidTimeStamp.Expired');
    const key = await deps.accounts.accessKeySecret(p.AccessKeyId ?? '');
    if (!key) throw new AlibabaError('InvalidAccessKeyId.NotFound');
    if (!key.active) throw new AlibabaError('InvalidAccessKeyId.Inactive');
    if (!sameSignature(signRpc(req.method, p, key.secret), p.Signature ?? '')) throw new AlibabaError('SignatureDoesNotMatch');
    const admission = await deps.replayGuard.admit(`alibaba:${p.AccessKeyId}`, p.SignatureNonce ?? '', {
      nonceMemoryMs: NONCE_MEMORY_MS,
      perSecond: REQUESTS_PER_SECOND,
    });
    if (admission === 'replayed') throw new AlibabaError('SignatureNonceUsed');
    if (admission === 'throttled') throw new AlibabaError('Throttling.User');
    return key.accountId;
  };

  app.route({
    method: ['GET', 'POST'],
    url: '/',
    schema: { hide: true },
    handler: async (req, res) => {
      const requestId = randomUUID().toUpperCase();
      let format: Format = 'XML';
      let lang: Lang = 'en';
      try {
        const p = readParams(req);
        if (p.Format !== undefined) {
          const f = p.Format.toUpperCase();
          if (f !== 'XML' && f !== 'JSON') throw new AlibabaError('InvalidParameter.Format');
          format = f;
        }
        lang = p.Lang === 'zh' ? 'zh' : 'en';
        if (!p.Action) throw new AlibabaError('MissingAction');
        const action = Object.hasOwn(actions, p.Action) ? actions[p.Action] : undefined;
        if (!action) throw new AlibabaError('InvalidApi.NotFound');
        if (!p.Version) throw new AlibabaError('MissingVersion');
        if (!VERSIONS.includes(p.Version)) throw new AlibabaError('InvalidApi.NotFound');
        const accountId = await authenticate(req, p);
        for (const name of action.required) if (!p[name]) throw new AlibabaError(`Missing${name}`);
        if (p.UserClientIp !== undefined && !/^[0-9a-fA-F:.]{2,45}$/.test(p.UserClientIp))
          throw new AlibabaError('InvalidParameter.Format');
        const body = await action.run({ deps, actor: deps.authenticator.owner(accountId), accountId, params: p, lang, ip: req.ip });
        return reply(res, format, 200, `${p.Action}Response`, { RequestId: requestId, ...body });
      } catch (e) {
        if (e instanceof AlibabaError) return fail(req, res, e, format, lang, requestId);
        req.log.error({ err: e }, 'alibaba request failed');
        return fail(req, res, new AlibabaError('InternalError'), format, lang, requestId);
      }
    },
  });

  app.setErrorHandler((err, req, res) => {
    req.log.warn({ err }, 'alibaba request refused before the handler');
    return fail(req, res, new AlibabaError('InvalidParameter.Format'), 'XML', 'en', randomUUID().toUpperCase());
  });
};
