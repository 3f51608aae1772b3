/**
 * A request the framework refused before any dialect's route or handler could see it (an URL that
 * cannot be decoded, no route, a malformed request line or headers, the service shutting down), or
 * an error of a route outside every dialect. Each dialect writes these in its own wire format.
 */
export interface FrameworkProblem {
  kind: 'bad_url' | 'url_too_long' | 'not_found' | 'bad_request' | 'timeout' | 'headers_too_large' | 'unavailable' | 'internal';
  method: string;
  /** The request target as sent (path and query), possibly not decodable. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A whole answer, written either through Fastify's reply or straight onto a socket. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type FrameworkRenderer = (problem: FrameworkProblem) => WireAnswer;

/** The path part of a request target, as sent. */
export const pathOf = (url: string): string => url.split('?')[0] ?? '';
