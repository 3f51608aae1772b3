import { accountIdOf, assertMay, type Principal } from '../access/permissions.js';
import { parseRecipient } from '../addresses.js';
import { CoreError } from '../errors.js';
import type { Verification } from '../model.js';
import { effectiveState, type SendPlan } from '../verification/lifecycle.js';
import type { ServiceDeps, VerificationService } from '../verification/service.js';
import { subjectRules } from './kinds.js';
import type { Subject } from './model.js';
import { assertMayHandle } from './permissions.js';
import { templateData } from './template-data.js';

/**
 * Resends the mailbox verifications of an S/MIME order: to all of its addresses, or to a subset
 * that must belong to the certificate. Confirmed mailboxes are skipped; an expired one gets a new
 * verification. All the sends commit together or not at all.
 */
export class MailboxResendService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly verifications: VerificationService,
  ) {}

  async findOrder(accountId: string, orderNumber: string): Promise<Subject> {
    const order = await this.deps.subjects.findSubjectByNumber(accountId, ['smime_order'], orderNumber);
    if (!order) throw new CoreError('SUBJECT_NOT_FOUND', { field: 'orderNumber' });
    return order;
  }

  async resend(actor: Principal, input: { orderNumber: string; emails?: string[]; ip?: string | null }): Promise<Verification[]> {
    assertMay(actor, 'send');
    return this.verifications.retrying(() => this.resendOnce(actor, input));
  }

  private async resendOnce(
    actor: Principal,
    input: { orderNumber: string; emails?: string[]; ip?: string | null },
  ): Promise<Verification[]> {
    const order = await this.findOrder(accountIdOf(actor), input.orderNumber);
    await assertMayHandle(order, this.deps.accounts, 'orderNumber');
    const targets =
      input.emails?.map((e) => {
        let address: string;
        try {
          address = parseRecipient(e, 'emailAddress');
        } catch {
          throw new CoreError('VALIDATION_FAILED', { field: 'emailAddress' }, `'${e}' is not an address of this certificate.`);
        }
        if (!order.emails.includes(address))
          throw new CoreError('VALIDATION_FAILED', { field: 'emailAddress' }, `'${e}' is not an address of this certificate.`);
        return address;
      }) ?? order.emails;
    if (order.state !== subjectRules.smime_order.waitingState) throw new CoreError('SUBJECT_STATE_INVALID', { state: order.state });
    const ctx = this.verifications.context();
    const all = await this.deps.verifications.verificationsOfSubject(order.id);
    const plans: SendPlan[] = [];
    for (const mailbox of new Set(targets)) {
      const mine = all.filter((v) => v.recipient === mailbox && v.purpose === 'smime_mailbox');
      if (mine.some((v) => v.state === 'confirmed')) continue;
      const live = mine.find((v) => effectiveState(v, ctx.now) === 'pending');
      plans.push(
        await this.verifications.planSubjectSend(ctx, order, live, {
          recipient: mailbox,
          purpose: 'smime_mailbox',
          scope: [mailbox],
          fallbackLocale: mine.at(-1)?.locale,
          ip: input.ip ?? null,
          data: templateData(order, [mailbox]),
        }),
      );
    }
    await this.verifications.commitSends(ctx, plans, { enforce: true });
    return plans.map((p) => this.verifications.view(p.verification));
  }
}
