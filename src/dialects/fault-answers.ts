import type { FaultTarget } from '../core/faults/registry.js';
import { akanaFaults } from './akana/fault.js';
import { alibabaFaults } from './alibaba/fault.js';
import { digicertFaults } from './digicert/fault.js';
import type { FaultAnswers } from './fault-answer.js';
import { nativeFaults } from './native/fault.js';
import { sectigoFaults } from './sectigo/fault.js';

/** Each dialect's vendor errors a fault may produce. */
export const faultAnswers: Record<Exclude<FaultTarget, 'mail'>, FaultAnswers> = {
  sectigo: sectigoFaults,
  digicert: digicertFaults,
  alibaba: alibabaFaults,
  akana: akanaFaults,
  native: nativeFaults,
};

export const isFaultCode = (target: FaultTarget, code: string): boolean => target !== 'mail' && faultAnswers[target].codes.includes(code);

/** The error each dialect answers for an unexpected failure (the sandbox's global failure share uses it). */
export const internalErrorCode: Record<Exclude<FaultTarget, 'mail'>, string> = {
  sectigo: '-14',
  digicert: 'server_error',
  alibaba: 'InternalError',
  akana: '500',
  native: 'INTERNAL_ERROR',
};
