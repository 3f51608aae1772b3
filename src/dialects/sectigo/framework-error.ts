import type { FrameworkRenderer } from '../framework-problem.js';
import { SectigoError } from './errors.js';
import { formResponse, textResponse } from './responses.js';

/**
 * Whatever the framework refused under `/products`: -14, HTTP 200 as every Sectigo answer, in the
 * endpoint's format (a form for `!ResendDCVEmail`, text otherwise).
 */
export const sectigoFrameworkError: FrameworkRenderer = (p) => {
  const error = new SectigoError('-14');
  const r = p.url.startsWith('/products/!ResendDCVEmail') ? formResponse(error) : textResponse(error);
  return { status: 200, headers: { 'content-type': r.contentType, 'cache-control': 'no-store' }, body: r.body };
};
