import validator from 'validator';
import { assertMay, type Principal, scopeOf } from '../access/permissions.js';
import { targetAccount } from '../access/target-account.js';
import { parseRecipient } from '../addresses.js';
import { CoreError } from '../errors.js';
import type { Verification } from '../model.js';
import type { Page } from '../page.js';
import { event, planCreate } from '../verification/lifecycle.js';
import { normaliseLocale } from '../verification/locales.js';
import type { ServiceDeps, VerificationService } from '../verification/service.js';
import { subjectRules } from './kinds.js';
import type { Subject, SubjectKind } from './model.js';
import type { SubjectFilter } from './port.js';
import { templateData } from './template-data.js';

export interface NewSubject {
  accountId: string | null;
  kind: SubjectKind;
  number?: string | null;
  baseNumber?: string | null;
  state?: string;
  emails?: string[];
  domains?: string[];
  dcvEmail?: string | null;
  attributes?: Record<string, string>;
  locale?: string;
}

const parseDomain = (raw: string): string => {
  const name = raw.trim().toLowerCase().replace(/\.$/, '');
  if (!validator.isFQDN(name, { allow_wildcard: true }))
    throw new CoreError('VALIDATION_FAILED', { field: 'domains' }, `'${raw}' is not a valid domain name.`);
  return name;
};

export class SubjectService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly verifications: VerificationService,
  ) {}

  /** Validates a new subject; pure, so a fixture file can be checked whole before anything is written. */
  prepare(input: NewSubject, id: string, now: number): Subject {
    const rules = subjectRules[input.kind];
    const state = input.state ?? rules.waitingState;
    if (!rules.states.includes(state)) {
      throw new CoreError(
        'VALIDATION_FAILED',
        { field: 'state' },
        `'${state}' is not a state of ${input.kind} (${rules.states.join(', ')}).`,
      );
    }
    const emails = (input.emails ?? []).map((e) => parseRecipient(e, 'emails'));
    const domains = [...new Set((input.domains ?? []).map(parseDomain))];
    const dcvEmail = input.dcvEmail ? parseRecipient(input.dcvEmail, 'dcvEmail') : null;
    if (input.kind === 'ssl_order' && domains.length === 0)
      throw new CoreError('VALIDATION_FAILED', { field: 'domains' }, 'An SSL order needs at least one domain.');
    if (input.kind === 'ssl_order' && state === rules.waitingState && !dcvEmail)
      throw new CoreError('VALIDATION_FAILED', { field: 'dcvEmail' }, 'An SSL order awaiting DCV needs a dcvEmail.');
    if (input.kind !== 'ssl_order' && emails.length === 0)
      throw new CoreError('VALIDATION_FAILED', { field: 'emails' }, `A ${input.kind} needs an email address.`);
    if ((input.kind === 'smime_order' || input.kind === 'ssl_order') && !input.number)
      throw new CoreError('VALIDATION_FAILED', { field: 'orderNumber' }, 'An order needs an order number.');
    return {
      id,
      accountId: input.accountId,
      kind: input.kind,
      // An identity or sign-up is known by its address, so the same address is never registered twice.
      number: input.number ?? (input.kind === 'email_identity' || input.kind === 'signup' ? (emails[0]?.toLowerCase() ?? null) : null),
      baseNumber: input.baseNumber ?? null,
      state,
      emails: [...new Set(emails)],
      domains,
      dcvEmail,
      attributes: input.attributes ?? {},
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
  }

  /**
   * Stores a subject for `actor` (named by `account` for the operator) and, when it waits on its
   * recipients, its verifications and first emails, in one transaction. The sends pass the same
   * quotas as a resend; only the operator's fixtures may record them without being refused.
   */
  async create(
    actor: Principal,
    input: Omit<NewSubject, 'accountId'> & { account?: string },
    options: { ip?: string | null } = {},
  ): Promise<{ subject: Subject; verifications: Verification[] }> {
    assertMay(actor, 'manage_subjects');
    const accountId = await targetAccount(this.deps.accounts, actor, input.account);
    return this.record({ ...input, accountId }, { ip: options.ip ?? null, enforceQuota: true });
  }

  /** Stores a subject on behalf of a core service or the operator's fixtures; see `create`. */
  async record(
    input: NewSubject,
    options: {
      ip?: string | null;
      /** false: the sends are charged but never refused (seeding orders that exist at the vendor). */
      enforceQuota: boolean;
      /** An anonymous caller's IP, charged against the per-IP ceiling. */
      limitIp?: string | null;
      /** false: the first sends are not charged to any quota (the built-in sandbox fixture). */
      chargeQuota?: boolean;
    },
  ): Promise<{ subject: Subject; verifications: Verification[] }> {
    const { ip = null, enforceQuota, limitIp = null, chargeQuota = true } = options;
    const ctx = this.verifications.context();
    const subject = this.prepare(input, ctx.newId(), ctx.now);
    const orderKinds: SubjectKind[] = ['smime_order', 'ssl_order'];
    const sameNumberKinds = orderKinds.includes(subject.kind) ? orderKinds : [subject.kind];
    if (subject.number && (await this.deps.subjects.findSubjectByNumber(subject.accountId, sameNumberKinds, subject.number))) {
      throw new CoreError('SUBJECT_EXISTS', { field: 'number' });
    }
    const rules = subjectRules[subject.kind];
    const plans =
      subject.state === rules.waitingState
        ? rules.plan(subject).map((p) =>
            planCreate(ctx, {
              accountId: subject.accountId,
              subjectId: subject.id,
              recipient: p.recipient,
              purpose: p.purpose,
              scope: p.scope,
              locale: normaliseLocale(input.locale),
              ip,
              data: templateData(subject, p.scope),
            }),
          )
        : [];
    try {
      await this.verifications.commitSends(ctx, plans, {
        enforce: enforceQuota,
        charge: chargeQuota,
        limitIp,
        extra: {
          subjects: { insert: [subject] },
          events: [
            event(
              ctx,
              'subject.created',
              { accountId: subject.accountId, subjectId: subject.id },
              { kind: subject.kind, state: subject.state },
            ),
          ],
        },
      });
    } catch (e) {
      if (e instanceof CoreError && e.code === 'CONCURRENT_UPDATE') throw new CoreError('SUBJECT_EXISTS', { field: 'number' });
      throw e;
    }
    return { subject, verifications: plans.map((p) => this.verifications.view(p.verification)) };
  }

  async get(actor: Principal, id: string): Promise<Subject> {
    assertMay(actor, 'read');
    const scope = scopeOf(actor);
    const s = await this.deps.subjects.getSubject(id);
    if (!s || (scope !== undefined && s.accountId !== scope)) throw new CoreError('SUBJECT_NOT_FOUND');
    return s;
  }

  async list(actor: Principal, filter: SubjectFilter): Promise<Page<Subject>> {
    assertMay(actor, 'read');
    return this.deps.subjects.listSubjects({ ...filter, accountId: scopeOf(actor) ?? filter.accountId });
  }

  async verificationsOf(subject: Subject): Promise<Verification[]> {
    return (await this.deps.verifications.verificationsOfSubject(subject.id)).map((v) => this.verifications.view(v));
  }
}
