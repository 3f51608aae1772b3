import { accountIdOf, assertMay, type Principal } from '../access/permissions.js';
import { parseRecipient } from '../addresses.js';
import { CoreError, type ErrorCode } from '../errors.js';
import type { Verification } from '../model.js';
import type { Subject } from '../subjects/model.js';
import type { SubjectService } from '../subjects/service.js';
import { effectiveState, event, planCreate } from '../verification/lifecycle.js';
import type { ServiceDeps, VerificationService } from '../verification/service.js';

/** The outcome for one address of a multi-address request: one bad address never fails the others. */
export type AddressOutcome = { email: string; result: 'success' | 'exists' } | { email: string; result: 'failed'; code: ErrorCode };

export interface IdentityView {
  identity: Subject;
  verification: Verification | null;
}

/**
 * Email identities (an account proving it can receive mail at an address, as Alibaba Cloud's domain
 * registrant verification does): submit, resend, query, delete, list. Each address is its own
 * transaction, so an over-quota or malformed address does not affect the others.
 */
export class IdentityService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly verifications: VerificationService,
    private readonly subjects: SubjectService,
  ) {}

  private async find(accountId: string, email: string): Promise<Subject | null> {
    return this.deps.subjects.findSubjectByNumber(accountId, ['email_identity'], email.toLowerCase());
  }

  private async latest(identity: Subject): Promise<Verification | null> {
    const vs = await this.deps.verifications.verificationsOfSubject(identity.id);
    const v = vs.at(-1);
    return v ? this.verifications.view(v) : null;
  }

  private async each(emails: string[], fn: (email: string) => Promise<AddressOutcome['result']>): Promise<AddressOutcome[]> {
    const out: AddressOutcome[] = [];
    for (const raw of emails) {
      try {
        const email = parseRecipient(raw, 'Email');
        out.push({ email: raw, result: (await this.verifications.retrying(() => fn(email))) as 'success' | 'exists' });
      } catch (e) {
        if (!(e instanceof CoreError)) throw e;
        out.push({ email: raw, result: 'failed', code: e.code });
      }
    }
    return out;
  }

  /** Starts verifying each new address; an address already pending or verified is `exists` (sent again only with `sendIfExist`). */
  async submit(
    actor: Principal,
    input: { emails: string[]; sendIfExist?: boolean; ip?: string | null; locale?: string },
  ): Promise<AddressOutcome[]> {
    assertMay(actor, 'manage_subjects');
    const accountId = accountIdOf(actor);
    return this.each(input.emails, async (email) => {
      const existing = await this.find(accountId, email);
      if (existing && existing.state !== 'deleted') {
        if (input.sendIfExist && existing.state === 'pending') await this.resendOne(accountId, email, input.ip ?? null);
        return 'exists';
      }
      if (existing) await this.revive(existing, input.ip ?? null, input.locale);
      else
        await this.subjects.record(
          { accountId, kind: 'email_identity', emails: [email], locale: input.locale },
          { ip: input.ip ?? null, enforceQuota: true },
        );
      return 'success';
    });
  }

  async resend(actor: Principal, input: { emails: string[]; ip?: string | null }): Promise<AddressOutcome[]> {
    assertMay(actor, 'send');
    const accountId = accountIdOf(actor);
    return this.each(input.emails, async (email) => {
      await this.resendOne(accountId, email, input.ip ?? null);
      return 'success';
    });
  }

  private async resendOne(accountId: string, email: string, ip: string | null): Promise<void> {
    const identity = await this.find(accountId, email);
    const v = identity && identity.state === 'pending' ? await this.latest(identity) : null;
    if (!identity || !v || v.state === 'confirmed' || v.state === 'cancelled')
      throw new CoreError('VERIFICATION_NOT_FOUND', { field: 'Email' });
    if (v.state === 'expired') {
      await this.revive(identity, ip, v.locale);
      return;
    }
    await this.verifications.resendScoped(accountId, v.id, { ip });
  }

  /** A deleted or expired identity starts over with a new verification. */
  private async revive(identity: Subject, ip: string | null, locale = 'en'): Promise<void> {
    const ctx = this.verifications.context();
    const plan = planCreate(ctx, {
      accountId: identity.accountId,
      subjectId: identity.id,
      recipient: identity.emails[0] ?? '',
      purpose: 'email_ownership',
      locale,
      ip,
    });
    await this.verifications.commitSends(ctx, [plan], {
      enforce: true,
      extra: {
        subjects: {
          update: [{ before: identity, after: { ...identity, state: 'pending', updatedAt: ctx.now, version: identity.version + 1 } }],
        },
      },
    });
  }

  async query(actor: Principal, email: string): Promise<IdentityView> {
    assertMay(actor, 'read');
    const identity = await this.find(accountIdOf(actor), parseRecipient(email, 'Email'));
    if (!identity || identity.state === 'deleted') throw new CoreError('SUBJECT_NOT_FOUND', { field: 'Email' });
    return { identity, verification: await this.latest(identity) };
  }

  /** Removes each address: its links stop working and it no longer exists for query, list or resend. */
  async delete(actor: Principal, input: { emails: string[] }): Promise<AddressOutcome[]> {
    assertMay(actor, 'manage_subjects');
    const accountId = accountIdOf(actor);
    return this.each(input.emails, async (email) => {
      const identity = await this.find(accountId, email);
      if (!identity || identity.state === 'deleted') throw new CoreError('SUBJECT_NOT_FOUND', { field: 'Email' });
      const ctx = this.verifications.context();
      const live = (await this.deps.verifications.verificationsOfSubject(identity.id)).filter(
        (v) => effectiveState(v, ctx.now) === 'pending',
      );
      for (const v of live) await this.verifications.cancelScoped(accountId, v.id);
      const result = await this.deps.transactor.commit({
        subjects: {
          update: [{ before: identity, after: { ...identity, state: 'deleted', updatedAt: ctx.now, version: identity.version + 1 } }],
        },
        events: [event(ctx, 'subject.deleted', { accountId: identity.accountId, subjectId: identity.id })],
      });
      if (!result.ok) throw new CoreError('CONCURRENT_UPDATE');
      return 'success';
    });
  }

  async list(
    actor: Principal,
    input: {
      email?: string;
      verified?: boolean;
      createdFrom?: number;
      createdTo?: number;
      page: number;
      pageSize: number;
    },
  ): Promise<{ items: Subject[]; total: number }> {
    assertMay(actor, 'read');
    return this.deps.subjects.pageSubjects(
      {
        accountId: accountIdOf(actor),
        kinds: ['email_identity'],
        states: input.verified === undefined ? ['pending', 'verified'] : [input.verified ? 'verified' : 'pending'],
        number: input.email?.toLowerCase(),
        createdFrom: input.createdFrom,
        createdTo: input.createdTo,
      },
      (input.page - 1) * input.pageSize,
      input.pageSize,
    );
  }
}
