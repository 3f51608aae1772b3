import type { FaultAnswers } from '../fault-answer.js';
import { type SectigoCode, SectigoError, sectigoMessages } from './errors.js';
import { formResponse, textResponse } from './responses.js';

/** Any Sectigo code, HTTP 200 as every Sectigo answer, in the endpoint's format. */
export const sectigoFaults: FaultAnswers = {
  codes: Object.keys(sectigoMessages),
  render: (code, req) => {
    const error = new SectigoError(code as SectigoCode);
    const r = req.url.startsWith('/products/!ResendDCVEmail') ? formResponse(error) : textResponse(error);
    return { status: 200, headers: { 'content-type': r.contentType, 'cache-control': 'no-store' }, body: r.body };
  },
};
