import type { Principal } from '../../core/access/permissions.js';
import type { DcvResendInput, DcvService } from '../../core/dcv/service.js';
import { CoreError } from '../../core/errors.js';
import { readResendBody } from './body.js';
import { type DigicertCode, DigicertError, fromCore } from './errors.js';

export interface ResendEmailsInput {
  orderNumber: string;
  body: unknown;
  ip: string;
}

/**
 * `PUT /order/certificate/{id}/resend-emails`. A body with problems of its own (an entry without a
 * domain, a bad locale) is still checked by the core, order and addresses, without sending: the
 * answer lists every problem of the request, not only the first kind found.
 */
export const resendEmails = async (dcv: Pick<DcvService, 'resendOrder' | 'targetProblems'>, actor: Principal, input: ResendEmailsInput) => {
  const request = readResendBody(input.body);
  const resend: DcvResendInput = { orderNumber: input.orderNumber, targets: request.targets, locale: request.locale, ip: input.ip };
  if (request.problems.length === 0) return dcv.resendOrder(actor, resend);
  const codes = new Set<DigicertCode>(request.problems);
  try {
    const problems = await dcv.targetProblems(actor, resend);
    if (problems.length > 0) for (const code of fromCore('VALIDATION_FAILED', { problems }).codes) codes.add(code);
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
    for (const code of fromCore(e.code, e.details).codes) codes.add(code);
  }
  throw new DigicertError([...codes]);
};
