import { isValidRecipient, parseRecipient } from '../addresses.js';
import { cleanName } from '../display-name.js';
import { CoreError } from '../errors.js';
import type { Verification } from '../model.js';
import { hashPassword } from '../passwords.js';
import type { Subject } from '../subjects/model.js';
import type { SubjectService } from '../subjects/service.js';
import { event, planCreate } from '../verification/lifecycle.js';
import type { ServiceDeps, VerificationService } from '../verification/service.js';

export type CodeCheck = 'valid' | 'expired_resent' | 'invalid';

/**
 * User sign-ups (Akana style): anonymous callers, so every answer that could tell whether an address
 * is known is the caller's business, not this service's; this service never reports it either. Sends
 * are charged per address and per client IP; refusals are audited and counted, never reported.
 */
export class SignupService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly verifications: VerificationService,
    private readonly subjects: SubjectService,
  ) {}

  private find(email: string): Promise<Subject | null> {
    return this.deps.subjects.findSubjectByNumber(null, ['signup'], email.toLowerCase());
  }

  private async latest(s: Subject): Promise<Verification | null> {
    return (await this.deps.verifications.verificationsOfSubject(s.id)).at(-1) ?? null;
  }

  /** Quietly absorbs what must not reach an anonymous caller: quota refusals, races, unknown addresses. */
  private async silently(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
    }
  }

  /** Starts a sign-up, or resends a pending one's code; an activated address gets nothing. */
  async signup(input: { email: string; firstName?: string; lastName?: string; invitationCode?: string; ip: string | null }): Promise<void> {
    const email = parseRecipient(input.email, 'EmailAddress');
    await this.silently(async () => {
      const existing = await this.find(email);
      if (existing?.state === 'activated') {
        await this.audit('signup.exists', existing, input.ip);
        return;
      }
      if (existing) return this.resendFor(existing, input.ip);
      const attributes: Record<string, string> = {};
      const firstName = cleanName(input.firstName);
      const lastName = cleanName(input.lastName);
      if (firstName) attributes.firstName = firstName;
      if (lastName) attributes.lastName = lastName;
      if (input.invitationCode) attributes.invitationCode = input.invitationCode;
      await this.subjects.record(
        { accountId: null, kind: 'signup', emails: [email], attributes },
        { ip: input.ip, enforceQuota: true, limitIp: input.ip },
      );
    });
  }

  /** Resends the activation code of a pending sign-up; anything else is a silent no-op. */
  async resendActivation(rawEmail: string, ip: string | null): Promise<void> {
    if (!isValidRecipient(rawEmail)) return;
    await this.silently(async () => {
      const existing = await this.find(parseRecipient(rawEmail));
      if (existing?.state !== 'pending_activation') {
        await this.audit('signup.resend_ignored', existing, ip);
        return;
      }
      await this.resendFor(existing, ip);
    });
  }

  private async resendFor(s: Subject, ip: string | null): Promise<void> {
    const v = await this.latest(s);
    if (v && this.verifications.view(v).state === 'pending') {
      await this.verifications.resendScoped(undefined, v.id, { ip, anonymous: true });
      return;
    }
    await this.reissue(s, ip, v?.locale ?? 'en');
  }

  /** A new code for a pending sign-up whose code expired. */
  private async reissue(s: Subject, ip: string | null, locale: string): Promise<void> {
    const ctx = this.verifications.context();
    const plan = planCreate(ctx, {
      accountId: null,
      subjectId: s.id,
      recipient: s.emails[0] ?? '',
      purpose: 'account_activation',
      locale,
      ip,
    });
    await this.verifications.commitSends(ctx, [plan], { enforce: true, limitIp: ip });
  }

  /** Checks a sign-up code; an expired one sends a new email, as if the sign-up were made again. */
  async verifyCode(code: string, ip: string | null): Promise<CodeCheck> {
    try {
      await this.verifications.inspect(code);
      return 'valid';
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      if (e.code !== 'TOKEN_EXPIRED') return 'invalid';
    }
    const v = await this.verifications.findByToken(code);
    const s = v?.subjectId ? await this.deps.subjects.getSubject(v.subjectId) : null;
    if (!v || s?.kind !== 'signup' || s.state !== 'pending_activation') return 'invalid';
    await this.silently(() => this.reissue(s, ip, v.locale));
    return 'expired_resent';
  }

  /** Activates: the code must be valid and belong to the address; the password is kept as scrypt. */
  async complete(input: {
    email: string;
    code: string;
    password: string;
    firstName?: string;
    lastName?: string;
    ip: string | null;
  }): Promise<void> {
    const email = parseRecipient(input.email, 'EmailAddress');
    const v = await this.verifications.findByToken(input.code);
    const s = v?.subjectId ? await this.deps.subjects.getSubject(v.subjectId) : null;
    if (!v || !s || s.kind !== 'signup' || v.recipient.toLowerCase() !== email.toLowerCase()) throw new CoreError('TOKEN_INVALID');
    if (s.state === 'activated') throw new CoreError('SUBJECT_STATE_INVALID', { state: s.state });
    await this.verifications.confirm(input.code, input.ip);
    const activated = await this.deps.subjects.getSubject(s.id);
    if (!activated) return;
    const ctx = this.verifications.context();
    await this.deps.transactor.commit({
      subjects: {
        update: [
          {
            before: activated,
            after: {
              ...activated,
              attributes: {
                ...activated.attributes,
                passwordHash: await hashPassword(input.password),
                ...(cleanName(input.firstName) ? { firstName: cleanName(input.firstName) } : {}),
                ...(cleanName(input.lastName) ? { lastName: cleanName(input.lastName) } : {}),
              },
              updatedAt: ctx.now,
              version: activated.version + 1,
            },
          },
        ],
      },
      events: [event(ctx, 'signup.completed', { accountId: null, subjectId: s.id })],
    });
  }

  /** Ignored requests are counted (per kind, sign-up and hour), not stored one row each: strangers send them at will. */
  private async audit(type: string, s: Subject | null, ip: string | null): Promise<void> {
    const ctx = this.verifications.context();
    await this.deps.audit.countRefusal({
      id: ctx.newId(),
      type,
      at: ctx.now,
      accountId: null,
      verificationId: null,
      subjectId: s?.id ?? null,
      key: '',
      detail: { ip },
    });
  }
}
