import type { FaultAnswers } from '../fault-answer.js';
import { errorMessages } from './plugin.js';

/** Akana's JSON errors by HTTP status (`500`, `503`, `400`...). */
export const akanaFaults: FaultAnswers = {
  codes: Object.keys(errorMessages),
  render: (code) => ({
    status: Number(code),
    headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
    body: JSON.stringify({ code: Number(code), message: errorMessages[Number(code)] }),
  }),
};
