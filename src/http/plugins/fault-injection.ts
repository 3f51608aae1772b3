import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AccountService } from '../../core/accounts/service.js';
import type { FaultRegistry, FaultTarget } from '../../core/faults/registry.js';
import { faultAnswers } from '../../dialects/fault-answers.js';

const prefixes: [string, Exclude<FaultTarget, 'mail'>][] = [
  ['/products/', 'sectigo'],
  ['/services/v2/', 'digicert'],
  ['/api/users/', 'akana'],
  ['/v1/', 'native'],
];

/** The dialect a call belongs to and its endpoint, in the terms a fault names them. */
const callOf = (req: FastifyRequest): { target: Exclude<FaultTarget, 'mail'>; endpoint: string } | null => {
  const path = req.url.split('?')[0] ?? '';
  if (path === '/' && (req.method === 'GET' || req.method === 'POST') && req.headers.accept?.includes('text/html') !== true) {
    const action =
      (req.headers['x-acs-action'] as string | undefined) ??
      new URLSearchParams(req.url.split('?')[1] ?? '').get('Action') ??
      form(req).get('Action');
    return { target: 'alibaba', endpoint: action ?? '' };
  }
  for (const [prefix, target] of prefixes) {
    if (!path.startsWith(prefix)) continue;
    // The fault API itself is never faulted: a test can always clear what it set.
    if (path.startsWith('/v1/sandbox/')) return null;
    const route = req.routeOptions.url ?? path;
    return { target, endpoint: route.slice(prefix.length - 1).replace(/^\//, '') };
  }
  return null;
};

const form = (req: FastifyRequest) => {
  if (typeof req.body === 'string') return new URLSearchParams(req.body);
  if (Buffer.isBuffer(req.body)) return new URLSearchParams(req.body.toString('utf8'));
  return new URLSearchParams();
};

/** The account the call's credential names (not checked: faults only match on it). */
const accountOf = async (accounts: Pick<AccountService, 'accountIdNamedBy'>, req: FastifyRequest, target: FaultTarget) => {
  switch (target) {
    case 'native':
      return accounts.accountIdNamedBy({ apiKey: /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1] });
    case 'digicert':
      return accounts.accountIdNamedBy({ apiKey: req.headers['x-dc-devkey'] as string | undefined });
    case 'sectigo':
      return accounts.accountIdNamedBy({ loginName: form(req).get('loginName') ?? undefined });
    case 'alibaba': {
      const acs3 = /Credential=([^,\s]+)/.exec(req.headers.authorization ?? '')?.[1];
      const query = new URLSearchParams(req.url.split('?')[1] ?? '').get('AccessKeyId');
      return accounts.accountIdNamedBy({ accessKeyId: acs3 ?? query ?? form(req).get('AccessKeyId') ?? undefined });
    }
    default:
      return null;
  }
};

/**
 * Sandbox only: before a dialect handles a call, a matching fault may answer with one of the
 * vendor's own errors, add latency, or drop the connection. Never registered outside the sandbox.
 */
export const faultInjection = (faults: FaultRegistry, accounts: Pick<AccountService, 'accountIdNamedBy'>) =>
  fp(async (app: FastifyInstance) => {
    app.addHook('preHandler', async (req, reply) => {
      const call = callOf(req);
      if (!call) return;
      const concern = faults.concerns(call.target);
      if (!concern.any) return;
      const accountId = concern.byAccount ? await accountOf(accounts, req, call.target) : null;
      const effect = faults.take({ ...call, accountId });
      if (!effect) return;
      if (effect.kind === 'latency') {
        await delay(effect.ms);
        return;
      }
      if (effect.kind === 'drop') {
        req.raw.socket.destroy();
        return reply.hijack();
      }
      if (effect.kind === 'error') {
        const body = typeof req.body === 'string' ? req.body : Buffer.isBuffer(req.body) ? req.body.toString('utf8') : undefined;
        const answer = faultAnswers[call.target].render(effect.code, { method: req.method, url: req.url, headers: req.headers, body });
        return reply.code(answer.status).headers(answer.headers).send(answer.body);
      }
    });
  });
