import type { FastifyRequest } from 'fastify';
import { VIEW_ONLY_ROLE } from '../../core/accounts/service.js';
import { CoreError } from '../../core/errors.js';
import { equalDigests, keyedHash } from '../../core/secrets.js';
import type { Runtime } from '../../runtime/create-runtime.js';

export type Actor = { kind: 'admin' } | { kind: 'account'; accountId: string; role: number };

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** The route needs no bearer token (the confirm call: the token is the credential). */
    public?: boolean;
    /** Only the admin token may call the route. */
    adminOnly?: boolean;
  }
}

const bearer = (req: FastifyRequest): string | null => {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
};

/** Resolves the bearer token to the admin or an account key; view-only keys may only read. */
export const authenticate = async (rt: Runtime, req: FastifyRequest): Promise<void> => {
  if (req.routeOptions.config.public) return;
  const token = bearer(req);
  if (!token) throw new CoreError('UNAUTHENTICATED');
  if (equalDigests(keyedHash(rt.keys.credentialHash, token), rt.adminTokenHash)) {
    req.actor = { kind: 'admin' };
    return;
  }
  const key = await rt.accounts.authenticateApiKey(token);
  if (!key) throw new CoreError('UNAUTHENTICATED');
  req.actor = { kind: 'account', accountId: key.accountId, role: key.role };
  if (req.routeOptions.config.adminOnly) throw new CoreError('FORBIDDEN');
  if (key.role === VIEW_ONLY_ROLE && req.method !== 'GET' && req.method !== 'HEAD') throw new CoreError('FORBIDDEN');
};

/** undefined for the admin (sees every account), else the caller's own account id. */
export const scopeOf = (req: FastifyRequest): string | undefined => (req.actor?.kind === 'account' ? req.actor.accountId : undefined);

/**
 * The account a new record belongs to: an account key implies its own (naming another is "not
 * found", never "forbidden"); the admin names one by id or name, or none.
 */
export const targetAccount = async (rt: Runtime, req: FastifyRequest, ref: string | undefined): Promise<string | null> => {
  if (req.actor?.kind === 'account') {
    if (ref === undefined) return req.actor.accountId;
    const account = await rt.accounts.resolve(ref).catch(() => null);
    if (!account || account.id !== req.actor.accountId) throw new CoreError('ACCOUNT_NOT_FOUND');
    return account.id;
  }
  return ref === undefined ? null : (await rt.accounts.resolve(ref)).id;
};
