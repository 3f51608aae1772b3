import { assertMay, type Principal, scopeOf } from '../access/permissions.js';
import { targetAccount } from '../access/target-account.js';
import type { AccountPersister } from '../accounts/port.js';
import { parseRecipient } from '../addresses.js';
import type { AuditPersister } from '../audit/port.js';
import type { Clock } from '../clock.js';
import { CoreError } from '../errors.js';
import type { Purpose, TokenRecord, Verification } from '../model.js';
import type { Page } from '../page.js';
import type { ServerKeys } from '../secrets.js';
import { subjectRules } from '../subjects/kinds.js';
import type { Subject } from '../subjects/model.js';
import type { SubjectReads } from '../subjects/port.js';
import { templateData } from '../subjects/template-data.js';
import type { Transactor, WriteBatch } from '../unit-of-work.js';
import { announceVerification } from '../webhooks/events.js';
import {
  assertConfirmable,
  assertPending,
  effectiveState,
  event,
  hashToken,
  type LifecycleContext,
  planCreate,
  planResend,
  retireTokens,
  type SendPlan,
} from './lifecycle.js';
import { normaliseLocale } from './locales.js';
import { type Policies, quotaRules } from './policies.js';
import type { VerificationFilter, VerificationReads } from './port.js';
import { splitToken, verifierMatches } from './split-token.js';

export interface ServiceDeps {
  transactor: Transactor;
  verifications: VerificationReads;
  subjects: SubjectReads;
  audit: AuditPersister;
  /** Account lookups: the account a record belongs to, and account flags (vouchers). */
  accounts: Pick<AccountPersister, 'getAccount' | 'findAccountByName'>;
  clock: Clock;
  keys: ServerKeys;
  policies: Policies;
  newId: () => string;
  messageIdDomain: string;
  /** Told after a commit that queued mail, so a local courier can start at once. */
  onQueued?: () => void;
  /** Told of every quota refusal, for metrics. */
  onRefused?: (rule: string) => void;
  /** Told after a commit that may have queued webhook deliveries, so a local courier can start at once. */
  onAnnounced?: () => void;
}

/** Who asks: undefined is the operator (admin), a string limits the request to that account. */
export type AccountScope = string | undefined;

export interface ResendRequest {
  recipient?: string;
  scope?: string[];
  locale?: string;
  ip?: string | null;
  /** An unauthenticated caller: its IP is charged against the per-IP ceiling. */
  anonymous?: boolean;
}

const MAX_CONFLICT_RETRIES = 5;

export class VerificationService {
  constructor(private readonly deps: ServiceDeps) {}

  context(): LifecycleContext {
    const { keys, policies, newId, messageIdDomain, clock } = this.deps;
    return { keys, policies, newId, messageIdDomain, now: clock.now() };
  }

  /** Presents a verification with expiry applied, as every reader should see it. */
  view(v: Verification): Verification {
    return { ...v, state: effectiveState(v, this.deps.clock.now()) };
  }

  /** A new verification and its first email; `account` names the owner (an account credential implies its own). */
  async create(
    actor: Principal,
    input: { account?: string; recipient: string; purpose: Purpose; locale?: string; ip?: string | null },
  ): Promise<Verification> {
    assertMay(actor, 'send');
    const recipient = parseRecipient(input.recipient);
    const accountId = await targetAccount(this.deps.accounts, actor, input.account);
    const ctx = this.context();
    const plan = planCreate(ctx, {
      accountId,
      recipient,
      purpose: input.purpose,
      locale: normaliseLocale(input.locale),
      ip: input.ip ?? null,
    });
    await this.commitSends(ctx, [plan], { enforce: true });
    return this.view(plan.verification);
  }

  async get(actor: Principal, id: string): Promise<Verification> {
    assertMay(actor, 'read');
    const scope = scopeOf(actor);
    const v = await this.deps.verifications.getVerification(id);
    if (!v || (scope !== undefined && v.accountId !== scope)) throw new CoreError('VERIFICATION_NOT_FOUND');
    return this.view(v);
  }

  async list(actor: Principal, filter: Omit<VerificationFilter, 'now'>): Promise<Page<Verification>> {
    assertMay(actor, 'read');
    const accountId = scopeOf(actor) ?? filter.accountId;
    const page = await this.deps.verifications.listVerifications({ ...filter, accountId, now: this.deps.clock.now() });
    return { ...page, items: page.items.map((v) => this.view(v)) };
  }

  async resend(actor: Principal, id: string, input: ResendRequest = {}): Promise<{ verification: Verification; messageId: string }> {
    assertMay(actor, 'send');
    return this.resendScoped(scopeOf(actor), id, input);
  }

  /** A resend on behalf of another core service, limited to `scope`'s account. */
  async resendScoped(
    scope: AccountScope,
    id: string,
    input: ResendRequest = {},
  ): Promise<{ verification: Verification; messageId: string }> {
    const recipient = input.recipient === undefined ? undefined : parseRecipient(input.recipient);
    return this.retrying(async () => {
      const found = await this.deps.verifications.getVerificationWithToken(id);
      if (!found || (scope !== undefined && found.verification.accountId !== scope)) throw new CoreError('VERIFICATION_NOT_FOUND');
      const v = this.view(found.verification);
      const ctx = this.context();
      assertPending(v, ctx.now);
      const current = found.token;
      if (!current) throw new Error(`verification ${v.id} has no current token`);
      const subject = v.subjectId ? await this.deps.subjects.getSubject(v.subjectId) : null;
      if (subject && subject.state !== subjectRules[subject.kind].waitingState) {
        throw new CoreError('SUBJECT_STATE_INVALID', { state: subject.state });
      }
      const plan = planResend(ctx, v, current, {
        recipient,
        scope: input.scope,
        locale: input.locale === undefined ? undefined : normaliseLocale(input.locale),
        ip: input.ip ?? null,
        data: templateData(subject, input.scope ?? v.scope),
      });
      await this.commitSends(ctx, [plan], { enforce: true, limitIp: input.anonymous ? (input.ip ?? null) : null });
      return { verification: this.view(plan.verification), messageId: plan.message.id };
    });
  }

  /** The verification a token was issued for, whatever the token's state (used, expired). */
  async findByToken(token: string): Promise<Verification | null> {
    const record = await this.findToken(token);
    const v = record ? await this.deps.verifications.getVerification(record.verificationId) : null;
    return v ? this.view(v) : null;
  }

  /** What confirming this token would do, without doing it (the confirm page's first look). */
  async inspect(token: string): Promise<Verification> {
    const { verification } = await this.lookupToken(token, this.deps.clock.now());
    return this.view(verification);
  }

  /**
   * Confirms by token (the token is the credential). `only` limits it to tokens of one account's
   * verifications of some purposes (a vendor API confirming on an account's behalf).
   */
  async confirm(token: string, ip: string | null = null, only?: { accountId: string; purposes: Purpose[] }): Promise<Verification> {
    return this.retrying(async () => {
      const ctx = this.context();
      const { record, verification: v } = await this.lookupToken(token, ctx.now, only);
      const confirmed: Verification = {
        ...v,
        state: 'confirmed',
        confirmedAt: ctx.now,
        confirmIp: ip,
        updatedAt: ctx.now,
        version: v.version + 1,
      };
      const batch: WriteBatch = {
        verifications: { update: [{ before: v, after: confirmed }] },
        tokens: { update: retireTokens(await this.deps.verifications.tokensOf(v.id), ctx.now, record.id) },
        events: [event(ctx, 'verification.confirmed', v, { ip })],
        announce: [announceVerification(ctx.newId(), 'verification.confirmed', confirmed, ctx.now)],
      };
      await this.advanceSubject(ctx, confirmed, batch);
      await this.commitOrConflict(batch);
      return confirmed;
    });
  }

  async cancel(actor: Principal, id: string): Promise<Verification> {
    assertMay(actor, 'send');
    return this.cancelScoped(scopeOf(actor), id);
  }

  async cancelScoped(scope: AccountScope, id: string): Promise<Verification> {
    return this.retrying(async () => {
      const found = await this.deps.verifications.getVerification(id);
      if (!found || (scope !== undefined && found.accountId !== scope)) throw new CoreError('VERIFICATION_NOT_FOUND');
      const v = this.view(found);
      const ctx = this.context();
      if (v.state === 'confirmed') throw new CoreError('VERIFICATION_CONFIRMED');
      if (v.state === 'cancelled') return v;
      const cancelled: Verification = { ...v, state: 'cancelled', cancelledAt: ctx.now, updatedAt: ctx.now, version: v.version + 1 };
      await this.commitOrConflict({
        verifications: { update: [{ before: found, after: cancelled }] },
        tokens: { update: retireTokens(await this.deps.verifications.tokensOf(v.id), ctx.now) },
        events: [event(ctx, 'verification.cancelled', v)],
        announce: [announceVerification(ctx.newId(), 'verification.cancelled', cancelled, ctx.now)],
      });
      return cancelled;
    });
  }

  /** Marks overdue pending verifications expired and retires their tokens; returns how many. */
  async expireDue(limit = 500): Promise<number> {
    const ctx = this.context();
    let done = 0;
    for (const v of await this.deps.verifications.listExpiring(ctx.now, limit)) {
      const expired: Verification = { ...v, state: 'expired', updatedAt: ctx.now, version: v.version + 1 };
      const result = await this.deps.transactor.commit({
        verifications: { update: [{ before: v, after: expired }] },
        tokens: { update: retireTokens(await this.deps.verifications.tokensOf(v.id), ctx.now) },
        events: [event(ctx, 'verification.expired', v)],
        announce: [announceVerification(ctx.newId(), 'verification.expired', expired, ctx.now)],
      });
      if (result.ok) done++;
    }
    if (done > 0) this.deps.onAnnounced?.();
    return done;
  }

  /** The record of a presented token: a split token by its id and secret, an older one by its hash. */
  private async findToken(token: string): Promise<TokenRecord | null> {
    const split = splitToken(token);
    if (!split) return this.deps.verifications.findTokenByHash(hashToken(this.deps.keys, token));
    const record = await this.deps.verifications.getToken(split.id);
    // Checked even without a record, so an unknown id costs what a wrong secret costs.
    const matches = verifierMatches(this.deps.keys, record, split.secret);
    return record && matches ? record : null;
  }

  private async lookupToken(
    token: string,
    now: number,
    only?: { accountId: string; purposes: Purpose[] },
  ): Promise<{ record: TokenRecord; verification: Verification }> {
    const record = await this.findToken(token);
    const verification = record ? await this.deps.verifications.getVerification(record.verificationId) : null;
    if (!record || !verification) throw new CoreError('TOKEN_INVALID');
    if (only && (verification.accountId !== only.accountId || !only.purposes.includes(verification.purpose)))
      throw new CoreError('TOKEN_INVALID');
    assertConfirmable(verification, record, now);
    return { record, verification };
  }

  /**
   * Plans one send for a subject's recipient: again on its live verification (which keeps or rotates
   * its token by policy), or on a new verification when it has none.
   */
  async planSubjectSend(
    ctx: LifecycleContext,
    subject: Subject,
    live: Verification | undefined,
    send: {
      recipient: string;
      purpose: Purpose;
      scope: string[];
      locale?: string;
      fallbackLocale?: string;
      ip: string | null;
      data: Record<string, string>;
    },
  ): Promise<SendPlan> {
    if (live)
      return planResend(ctx, live, await this.currentToken(live), { scope: send.scope, locale: send.locale, ip: send.ip, data: send.data });
    return planCreate(ctx, {
      accountId: subject.accountId,
      subjectId: subject.id,
      recipient: send.recipient,
      purpose: send.purpose,
      scope: send.scope,
      locale: send.locale ?? send.fallbackLocale ?? 'en',
      ip: send.ip,
      data: send.data,
    });
  }

  private async currentToken(v: Verification): Promise<TokenRecord> {
    const token = await this.deps.verifications.getToken(v.currentTokenId);
    if (!token) throw new Error(`verification ${v.id} has no current token`);
    return token;
  }

  private async advanceSubject(ctx: LifecycleContext, confirmed: Verification, batch: WriteBatch): Promise<void> {
    if (!confirmed.subjectId) return;
    const subject = await this.deps.subjects.getSubject(confirmed.subjectId);
    if (!subject) return;
    const siblings = (await this.deps.verifications.verificationsOfSubject(subject.id)).map((s) => (s.id === confirmed.id ? confirmed : s));
    const next = subjectRules[subject.kind].afterConfirm(subject, siblings);
    if (!next || next === subject.state) return;
    batch.subjects = {
      update: [{ before: subject, after: { ...subject, state: next, updatedAt: ctx.now, version: subject.version + 1 } }],
    };
    batch.events?.push(event(ctx, 'subject.state_changed', confirmed, { from: subject.state, to: next }));
  }

  /**
   * Writes sends, their outbox rows and any other changes (`extra`) in one transaction, charging
   * every send to its quotas: all of it or none of it. Refusals are audited.
   */
  async commitSends(
    ctx: LifecycleContext,
    plans: SendPlan[],
    options: { enforce: boolean; limitIp?: string | null; extra?: WriteBatch; charge?: boolean },
  ): Promise<void> {
    const extra = options.extra ?? {};
    const batch: WriteBatch = {
      ...extra,
      // charge: false records sends no quota ever sees (the built-in sandbox fixture's first emails).
      quota:
        options.charge === false
          ? undefined
          : {
              sends: plans.map((p) =>
                quotaRules(ctx.policies, {
                  recipient: p.verification.recipient,
                  accountId: p.verification.accountId,
                  ip: options.limitIp ?? null,
                }),
              ),
              at: ctx.now,
              enforce: options.enforce,
            },
      verifications: {
        insert: [...(extra.verifications?.insert ?? []), ...plans.flatMap((p) => (p.before ? [] : [p.verification]))],
        update: [
          ...(extra.verifications?.update ?? []),
          ...plans.flatMap((p) => (p.before ? [{ before: p.before, after: p.verification }] : [])),
        ],
      },
      tokens: {
        insert: [...(extra.tokens?.insert ?? []), ...plans.flatMap((p) => p.tokens.insert)],
        update: [...(extra.tokens?.update ?? []), ...plans.flatMap((p) => p.tokens.update)],
      },
      messages: [...(extra.messages ?? []), ...plans.map((p) => p.message)],
      events: [...(extra.events ?? []), ...plans.map((p) => p.event)],
      announce: [
        ...(extra.announce ?? []),
        ...plans.flatMap((p) => (p.before ? [] : [announceVerification(ctx.newId(), 'verification.created', p.verification, ctx.now)])),
      ],
    };
    const result = await this.deps.transactor.commit(batch);
    if (!result.ok && result.reason === 'suppressed') {
      const first = plans[0];
      await this.deps.audit.countRefusal({
        id: ctx.newId(),
        type: 'suppression.refused',
        at: ctx.now,
        accountId: first?.verification.accountId ?? null,
        verificationId: first?.before ? first.verification.id : null,
        subjectId: first?.verification.subjectId ?? null,
        key: result.recipients.join(','),
        detail: { recipients: result.recipients },
      });
      throw new CoreError('RECIPIENT_SUPPRESSED', { recipients: result.recipients });
    }
    if (!result.ok && result.reason === 'quota') {
      this.deps.onRefused?.(result.rule);
      const first = plans[0];
      await this.deps.audit.countRefusal({
        id: ctx.newId(),
        type: 'quota.refused',
        at: ctx.now,
        accountId: first?.verification.accountId ?? null,
        verificationId: first?.before ? first.verification.id : null,
        subjectId: first?.verification.subjectId ?? null,
        key: result.rule,
        detail: { rule: result.rule, recipients: plans.map((p) => p.verification.recipient), retryAfterMs: result.retryAfterMs },
      });
      throw new CoreError('QUOTA_EXCEEDED', { rule: result.rule, retryAfterMs: result.retryAfterMs });
    }
    if (!result.ok) throw new CoreError('CONCURRENT_UPDATE');
    if (plans.length > 0) this.deps.onQueued?.();
    else if (batch.announce?.length) this.deps.onAnnounced?.();
  }

  private async commitOrConflict(batch: WriteBatch): Promise<void> {
    const result = await this.deps.transactor.commit(batch);
    if (!result.ok) throw new CoreError('CONCURRENT_UPDATE');
    if (batch.announce?.length) this.deps.onAnnounced?.();
  }

  /** Optimistic concurrency: a command that lost a race is re-read and re-decided. */
  async retrying<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!(e instanceof CoreError && e.code === 'CONCURRENT_UPDATE') || attempt >= MAX_CONFLICT_RETRIES) throw e;
      }
    }
  }
}
