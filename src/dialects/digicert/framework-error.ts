import type { FrameworkProblem, FrameworkRenderer } from '../framework-problem.js';
import type { DigicertCode } from './errors.js';
import { digicertFaults } from './fault.js';

const codes: Record<FrameworkProblem['kind'], DigicertCode> = {
  // No route can match a path that cannot be read.
  bad_url: 'not_found|route',
  url_too_long: 'not_found|route',
  not_found: 'not_found|route',
  bad_request: 'bad_request_format',
  timeout: 'bad_request_format',
  headers_too_large: 'bad_request_format',
  unavailable: 'service_unavailable',
  internal: 'server_error',
};

/** Whatever the framework refused under `/services/v2`, in DigiCert's `{"errors":[...]}` envelope. */
export const digicertFrameworkError: FrameworkRenderer = (p) => digicertFaults.render(codes[p.kind], p);
