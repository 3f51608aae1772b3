import type { FrameworkProblem, FrameworkRenderer } from '../framework-problem.js';
import { errorMessages } from './plugin.js';

const statuses: Record<FrameworkProblem['kind'], number> = {
  bad_url: 400,
  url_too_long: 400,
  not_found: 404,
  bad_request: 400,
  timeout: 400,
  headers_too_large: 400,
  unavailable: 503,
  internal: 500,
};

/** Whatever the framework refused under `/api/users`, as Akana's JSON error. */
export const akanaFrameworkError: FrameworkRenderer = (p) => {
  const status = statuses[p.kind];
  const message = p.kind === 'not_found' ? 'Not Found.' : (errorMessages[status] as string);
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
    body: JSON.stringify({ code: status, message }),
  };
};
