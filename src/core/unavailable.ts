/**
 * A port could not reach what backs it (the database is down, unreachable, or did not answer within
 * its timeout). Nothing the request asked for was done; the same request may succeed later.
 * Adapters throw it; dialects answer it as their own unknown failure (the native API with 503).
 */
export class Unavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Unavailable';
  }
}
