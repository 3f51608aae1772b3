import type { FrameworkProblem, FrameworkRenderer } from '../framework-problem.js';
import type { AlibabaCode } from './errors.js';
import { alibabaFaults } from './fault.js';

const codes: Record<FrameworkProblem['kind'], AlibabaCode> = {
  bad_url: 'InvalidApi.NotFound',
  url_too_long: 'InvalidApi.NotFound',
  not_found: 'InvalidApi.NotFound',
  bad_request: 'InvalidParameter.Format',
  timeout: 'InvalidParameter.Format',
  headers_too_large: 'InvalidParameter.Format',
  unavailable: 'ServiceUnavailable',
  internal: 'InternalError',
};

/** Whatever the framework refused on `/` (a method other than GET or POST...), in the Error envelope. */
export const alibabaFrameworkError: FrameworkRenderer = (p) => alibabaFaults.render(codes[p.kind], p);
