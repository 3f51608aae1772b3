import type { FaultAnswers } from '../fault-answer.js';
import { type DigicertCode, DigicertError, digicertErrors } from './errors.js';

/** Any DigiCert error in its envelope; `request_limit_exceeded` with the Retry-After a client waits on. */
export const digicertFaults: FaultAnswers = {
  codes: Object.keys(digicertErrors),
  render: (code) => {
    const e = new DigicertError([code as DigicertCode]);
    return {
      status: e.status,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...(e.status === 429 || e.status === 503 ? { 'retry-after': '1' } : {}),
      },
      body: JSON.stringify(e.body()),
    };
  },
};
