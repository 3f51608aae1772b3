import type { FaultAnswers } from '../fault-answer.js';

const answers: Record<string, [number, string]> = {
  INTERNAL_ERROR: [500, 'The service failed to process the request; nothing was changed by it.'],
  SERVICE_UNAVAILABLE: [503, 'The service is unavailable; try again.'],
  QUOTA_EXCEEDED: [429, 'Too many emails were sent; try again later.'],
};

/** The native API's unplanned answers a client should survive. */
export const nativeFaults: FaultAnswers = {
  codes: Object.keys(answers),
  render: (code) => {
    const [status, message] = answers[code] ?? [500, ''];
    return {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...(status === 429 || status === 503 ? { 'retry-after': '1' } : {}) },
      body: JSON.stringify({ error: { code, message } }),
    };
  },
};
