import type { FastifyRequest } from 'fastify';
import type { Authenticator } from '../../core/access/authenticator.js';
import type { Principal } from '../../core/access/permissions.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Principal;
  }
  interface FastifyContextConfig {
    /** The route needs no bearer token (the confirm call: the token is the credential). */
    public?: boolean;
  }
}

const bearer = (req: FastifyRequest): string | null => {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
};

/** Resolves the bearer token to a principal; what it may do is decided by the core, per operation. */
export const authenticate = async (authenticator: Authenticator, req: FastifyRequest): Promise<void> => {
  if (req.routeOptions.config.public) return;
  req.actor = await authenticator.bearer(bearer(req), req.ip);
};
