import { type FrameworkProblem, type FrameworkRenderer, pathOf } from '../framework-problem.js';

const answers: Record<FrameworkProblem['kind'], [number, string, string]> = {
  bad_url: [400, 'MALFORMED_URL', 'The request URL is not valid (bad percent-encoding).'],
  url_too_long: [414, 'URI_TOO_LONG', 'A part of the request URL is too long.'],
  not_found: [404, 'ROUTE_NOT_FOUND', ''],
  bad_request: [400, 'BAD_REQUEST', 'The request could not be processed.'],
  timeout: [408, 'REQUEST_TIMEOUT', 'The request was not received in time.'],
  headers_too_large: [431, 'HEADERS_TOO_LARGE', 'The request headers are larger than the service accepts.'],
  unavailable: [503, 'SERVICE_UNAVAILABLE', 'The service is shutting down; try again.'],
  internal: [500, 'INTERNAL_ERROR', 'The service failed to process the request; nothing was changed by it.'],
};

/** The native error shape, `{"error":{"code","message"}}`: also the answer for paths no dialect owns. */
export const nativeFrameworkError: FrameworkRenderer = (p) => {
  const [status, code, message] = answers[p.kind];
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...(p.kind === 'unavailable' ? { 'retry-after': '5' } : {}) },
    body: JSON.stringify({ error: { code, message: message || `No route ${p.method} ${pathOf(p.url).slice(0, 200)}.` } }),
  };
};
