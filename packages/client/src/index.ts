import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

export interface ReverifyClientOptions {
  /** The service's base URL, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** The admin token or an account API key. */
  token: string;
  fetch?: typeof globalThis.fetch;
}

/**
 * A typed client of Reverify's native API: every path, body and answer typed from the OpenAPI
 * document (`client.POST('/v1/verifications', { body: {...} })`), errors in `{ error }`.
 */
export const createReverifyClient = (options: ReverifyClientOptions): Client<paths> => {
  const client = createClient<paths>({ baseUrl: options.baseUrl.replace(/\/+$/, ''), ...(options.fetch ? { fetch: options.fetch } : {}) });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${options.token}`);
      return request;
    },
  };
  client.use(auth);
  return client;
};
