import { accountIdOf, assertMay, type Principal, scopeOf } from '../access/permissions.js';
import { parseRecipient } from '../addresses.js';
import { CoreError } from '../errors.js';
import type { Verification } from '../model.js';
import type { Subject } from '../subjects/model.js';
import { assertMayHandle } from '../subjects/permissions.js';
import { templateData } from '../subjects/template-data.js';
import type { TemplateSets } from '../templates/port.js';
import type { WriteBatch } from '../unit-of-work.js';
import { effectiveState, event, retireTokens, type SendPlan } from '../verification/lifecycle.js';
import type { ServiceDeps, VerificationService } from '../verification/service.js';
import { announceVerification } from '../webhooks/events.js';
import { allowedAddresses, constructedAddresses, isAllowed } from './addresses.js';
import { normaliseDomainName, registrableDomain } from './names.js';
import type { DcvPersister, DcvResolver } from './port.js';

/** How long an address offered by an address list may then be chosen for a resend (Sectigo: 24 h). */
export const OFFER_VALIDITY_MS = 24 * 3600_000;

export interface DcvAddressList {
  domain: string;
  level2: string[];
  level3: string[];
  dnsTxt: string[];
  caa: string[];
}

/** One chosen address: for the listed names, or (names omitted) every pending name it is allowed for. */
export interface DcvTarget {
  email: string;
  names?: string[];
  /** The Authorization Domain Name to check the address at (DigiCert's email_domain). */
  adn?: string;
}

export type DcvTargetProblem = 'invalid_email' | 'unknown_name' | 'bad_adn' | 'not_allowed' | 'not_offered';

export interface DcvResendInput {
  orderNumber?: string;
  baseOrderNumber?: string;
  /** Newly chosen addresses; none, and every pending name is resent to its last address. */
  targets?: DcvTarget[];
  /** Only addresses offered to the account by an address list within 24 h may be chosen. */
  requireOffer?: boolean;
  /** A template set the caller chose (Sectigo's dcvTemplateID): it must exist for the order's account. */
  templateId?: string;
  /** The input field a template problem is reported under. */
  templateField?: string;
  locale?: string;
  ip?: string | null;
  /** The input field a target problem is reported under. */
  targetField?: string;
}

/**
 * Domain control validation by email, shared by every dialect: the allowed addresses of a name,
 * the offers made to an account, and resends of an SSL order's pending names.
 */
export class DcvService {
  constructor(
    private readonly deps: ServiceDeps & { dcv: DcvPersister; resolver: DcvResolver; templates: TemplateSets },
    private readonly verifications: VerificationService,
  ) {}

  /** The addresses a DCV email for `rawName` may go to; recorded as offered to the account. */
  async addressList(actor: Principal, rawName: string): Promise<DcvAddressList> {
    assertMay(actor, 'read');
    const accountId = accountIdOf(actor);
    const domain = normaliseDomainName(rawName);
    const base = registrableDomain(domain);
    const allowed = await allowedAddresses(domain, (adn) => this.deps.resolver.contacts(adn));
    const list = {
      domain,
      level2: constructedAddresses(base),
      level3: constructedAddresses(domain),
      dnsTxt: allowed.dnsTxt,
      caa: allowed.caa,
    };
    await this.deps.dcv.recordDcvOffers(
      accountId,
      domain,
      [...list.level2, ...list.level3, ...list.dnsTxt, ...list.caa],
      this.deps.clock.now(),
    );
    return list;
  }

  async allowedFor(rawName: string) {
    return allowedAddresses(normaliseDomainName(rawName), (adn) => this.deps.resolver.contacts(adn));
  }

  /** The allowed addresses of a name, for a caller who may read. */
  async allowedAddressesFor(actor: Principal, rawName: string) {
    assertMay(actor, 'read');
    return this.allowedFor(rawName);
  }

  async findOrder(actor: Principal, ref: { orderNumber?: string; baseOrderNumber?: string }): Promise<Subject> {
    assertMay(actor, 'read');
    const accountId = scopeOf(actor);
    const store = this.deps.subjects;
    const order =
      ref.orderNumber !== undefined
        ? await store.findSubjectByNumber(accountId ?? null, ['ssl_order'], ref.orderNumber)
        : ref.baseOrderNumber !== undefined && accountId !== undefined
          ? await store.findSubjectByBaseNumber(accountId, ['ssl_order'], ref.baseOrderNumber)
          : null;
    if (!order) throw new CoreError('SUBJECT_NOT_FOUND', { field: ref.orderNumber !== undefined ? 'orderNumber' : 'baseOrderNumber' });
    return order;
  }

  /**
   * Resends the DCV email of an order awaiting DCV. With a new address, every pending name it is
   * allowed for moves to it (one email covers them all, with a new random value unless that address
   * already had them); other names are left as they are. Without one, each pending name's email goes
   * again to its last address (the same random value under the `reuse` policy, BR 3.2.2.4.4).
   */
  async resendOrder(actor: Principal, input: DcvResendInput): Promise<Verification[]> {
    assertMay(actor, 'send');
    return this.verifications.retrying(() => this.resendOrderOnce(actor, input));
  }

  /** A template set id that exists somewhere (installed, or in the templates directory): checkable before a login. */
  isKnownTemplate(id: string): boolean {
    return this.deps.templates.isKnown('dcv', id);
  }

  private async resendOrderOnce(actor: Principal, input: DcvResendInput): Promise<Verification[]> {
    const accountId = accountIdOf(actor);
    const order = await this.resendableOrder(actor, input);
    if (input.templateId !== undefined && !(await this.deps.templates.isAvailable(order.accountId, 'dcv', input.templateId)))
      throw new CoreError('VALIDATION_FAILED', { field: input.templateField ?? 'template' }, 'No such template set for this account.');
    const ctx = this.verifications.context();
    const all = await this.deps.verifications.verificationsOfSubject(order.id);
    const pendingNames = this.pendingNames(order, all);
    const live = all.filter((v) => v.purpose === 'dcv' && effectiveState(v, ctx.now) === 'pending');
    const data = (scope: string[]) => ({ ...templateData(order, scope), ...(input.templateId ? { template: input.templateId } : {}) });
    const plans: SendPlan[] = [];
    const extra: WriteBatch = { verifications: { update: [] }, tokens: { update: [] }, events: [], announce: [] };

    const inOrder = (names: string[]) => order.domains.filter((d) => names.includes(d));
    const sendTo = async (recipient: string, names: string[], current: Verification | undefined) => {
      const scope = inOrder(names);
      plans.push(
        await this.verifications.planSubjectSend(ctx, order, current, {
          recipient,
          purpose: 'dcv',
          scope,
          locale: input.locale,
          fallbackLocale: all.at(-1)?.locale,
          ip: input.ip ?? null,
          data: data(scope),
        }),
      );
    };

    const targets = input.targets ?? [];
    if (targets.length === 0) {
      const covered = new Set(live.flatMap((v) => v.scope));
      for (const v of live) await sendTo(v.recipient, v.scope, v);
      const orphans = pendingNames.filter((d) => !covered.has(d));
      const last = all.at(-1)?.recipient ?? order.dcvEmail;
      if (orphans.length > 0 && last) await sendTo(last, orphans, undefined);
    } else {
      const resolved = await this.resolveTargets(accountId, order, pendingNames, targets, input.requireOffer ?? false);
      const problems = resolved.flatMap((r) => (r.problem ? [r.problem] : []));
      if (problems.length > 0) {
        throw new CoreError(
          'VALIDATION_FAILED',
          { field: input.targetField ?? 'email', problems },
          `Address targets not valid: ${problems.join(', ')}.`,
        );
      }
      // Last assignment of a name wins; each address ends with the names assigned to it.
      const assigned = new Map<string, string>();
      for (const r of resolved) for (const name of r.names) assigned.set(name, r.email);
      for (const v of live) {
        const kept = v.scope.filter((d) => !assigned.has(d));
        const gained = [...assigned].filter(([, e]) => e === v.recipient).map(([d]) => d);
        const scope = [...new Set([...kept, ...gained])];
        if (gained.length > 0) {
          await sendTo(v.recipient, scope, v);
          continue;
        }
        if (scope.length === v.scope.length) continue;
        const version = v.version + 1;
        if (scope.length > 0) extra.verifications?.update?.push({ before: v, after: { ...v, scope, updatedAt: ctx.now, version } });
        else {
          const cancelled: Verification = { ...v, state: 'cancelled', cancelledAt: ctx.now, updatedAt: ctx.now, version };
          extra.verifications?.update?.push({ before: v, after: cancelled });
          extra.announce?.push(announceVerification(ctx.newId(), 'verification.cancelled', cancelled, ctx.now));
          extra.tokens?.update?.push(...retireTokens(await this.deps.verifications.tokensOf(v.id), ctx.now));
          extra.events?.push(event(ctx, 'verification.cancelled', v, { reason: 'names moved to another address' }));
        }
      }
      const newcomers = new Set([...assigned.values()].filter((e) => !live.some((v) => v.recipient === e)));
      for (const email of newcomers)
        await sendTo(
          email,
          [...assigned].filter(([, e]) => e === email).map(([d]) => d),
          undefined,
        );
      const lastEmail = resolved.at(-1)?.email ?? order.dcvEmail;
      extra.subjects = {
        update: [{ before: order, after: { ...order, dcvEmail: lastEmail, updatedAt: ctx.now, version: order.version + 1 } }],
      };
    }
    if (plans.length === 0) throw new CoreError('SUBJECT_STATE_INVALID', { state: order.state });
    await this.verifications.commitSends(ctx, plans, { enforce: true, extra });
    return plans.map((p) => this.verifications.view(p.verification));
  }

  /**
   * Every problem `resendOrder` would refuse these targets for, without sending anything: lets a
   * dialect that found problems of its own in a request report the core's along with them.
   */
  async targetProblems(actor: Principal, input: DcvResendInput): Promise<DcvTargetProblem[]> {
    assertMay(actor, 'send');
    const order = await this.resendableOrder(actor, input);
    const pending = this.pendingNames(order, await this.deps.verifications.verificationsOfSubject(order.id));
    const resolved = await this.resolveTargets(accountIdOf(actor), order, pending, input.targets ?? [], input.requireOffer ?? false);
    return resolved.flatMap((r) => (r.problem ? [r.problem] : []));
  }

  private async resendableOrder(actor: Principal, input: DcvResendInput): Promise<Subject> {
    const order = await this.findOrder(actor, input);
    await assertMayHandle(order, this.deps.accounts, input.orderNumber !== undefined ? 'orderNumber' : 'baseOrderNumber');
    if (order.state !== 'awaiting_dcv') throw new CoreError('SUBJECT_STATE_INVALID', { state: order.state });
    return order;
  }

  /** The order's names not yet proven by a confirmed verification. */
  pendingNames(order: Subject, verifications: Verification[]): string[] {
    const proven = new Set(verifications.filter((v) => v.state === 'confirmed').flatMap((v) => v.scope));
    return order.domains.filter((d) => !proven.has(d));
  }

  /**
   * Checks chosen addresses against an order: each must be a valid address, name only pending names
   * of the order, use an ADN of the name (when given), be allowed there, and (Sectigo) have been
   * offered to the account within 24 h. Reports every problem, so a dialect can list them all.
   */
  async resolveTargets(
    accountId: string,
    order: Subject,
    pendingNames: string[],
    targets: DcvTarget[],
    requireOffer: boolean,
  ): Promise<{ index: number; email: string; names: string[]; problem?: DcvTargetProblem }[]> {
    const since = this.deps.clock.now() - OFFER_VALIDITY_MS;
    const out: { index: number; email: string; names: string[]; problem?: DcvTargetProblem }[] = [];
    for (const [index, t] of targets.entries()) {
      let email: string;
      try {
        email = parseRecipient(t.email);
      } catch {
        out.push({ index, email: t.email, names: [], problem: 'invalid_email' });
        continue;
      }
      const fail = (problem: DcvTargetProblem) => out.push({ index, email, names: [], problem });
      if (requireOffer && (await this.deps.dcv.dcvOfferedDomains(accountId, email, order.domains, since)).length === 0) {
        fail('not_offered');
        continue;
      }
      const names = t.names?.map((n) => n.toLowerCase()) ?? pendingNames;
      if (t.names && !names.every((n) => pendingNames.includes(n))) {
        fail('unknown_name');
        continue;
      }
      const allowedNames: string[] = [];
      let badAdn = false;
      for (const name of names) {
        const allowed = await this.allowedFor(name);
        if (t.adn !== undefined && !allowed.adns.includes(t.adn.toLowerCase())) badAdn = true;
        const atAdn =
          t.adn === undefined
            ? allowed
            : await allowedAddresses(t.adn.toLowerCase(), (adn) => this.deps.resolver.contacts(adn), [t.adn.toLowerCase()]);
        if (isAllowed(atAdn, email)) allowedNames.push(name);
      }
      if (badAdn) fail('bad_adn');
      else if (allowedNames.length === 0 || (t.names && allowedNames.length !== names.length)) fail('not_allowed');
      else out.push({ index, email, names: allowedNames });
    }
    return out;
  }

  /**
   * Sends the DCV email for one name of the account's orders awaiting DCV to each chosen allowed
   * address (those not allowed are ignored), or, when none is chosen or allowed, to every allowed
   * address. Each address gets its own link; any of them proves the name.
   */
  async sendForName(
    actor: Principal,
    input: {
      name: string;
      emails?: string[];
      locale?: string;
      ip?: string | null;
    },
  ): Promise<Verification[]> {
    assertMay(actor, 'manage_subjects');
    return this.verifications.retrying(() => this.sendForNameOnce(actor, input));
  }

  private async sendForNameOnce(
    actor: Principal,
    input: { name: string; emails?: string[]; locale?: string; ip?: string | null },
  ): Promise<Verification[]> {
    const name = normaliseDomainName(input.name, 'name');
    const page = await this.deps.subjects.listSubjects({
      accountId: accountIdOf(actor),
      kinds: ['ssl_order'],
      state: 'awaiting_dcv',
      limit: 100,
    });
    const orders = page.items.filter((o) => o.domains.includes(name));
    if (orders.length === 0) throw new CoreError('SUBJECT_NOT_FOUND', { field: 'name' });
    const allowed = await this.allowedFor(name);
    const chosen = (input.emails ?? []).map((e) => e.trim().toLowerCase()).filter((e) => isAllowed(allowed, e));
    const recipients = [...new Set(chosen.length > 0 ? chosen : [...allowed.constructed, ...allowed.dnsTxt, ...allowed.caa])];
    const ctx = this.verifications.context();
    const plans: SendPlan[] = [];
    for (const order of orders) {
      const all = await this.deps.verifications.verificationsOfSubject(order.id);
      if (!this.pendingNames(order, all).includes(name)) continue;
      for (const recipient of recipients) {
        const live = all.find((v) => v.purpose === 'dcv' && v.recipient === recipient && effectiveState(v, ctx.now) === 'pending');
        const scope = order.domains.filter((d) => d === name || live?.scope.includes(d));
        plans.push(
          await this.verifications.planSubjectSend(ctx, order, live, {
            recipient,
            purpose: 'dcv',
            scope,
            locale: input.locale,
            fallbackLocale: all.at(-1)?.locale,
            ip: input.ip ?? null,
            data: templateData(order, scope),
          }),
        );
      }
    }
    if (plans.length === 0) throw new CoreError('SUBJECT_NOT_FOUND', { field: 'name' });
    await this.verifications.commitSends(ctx, plans, { enforce: true });
    return plans.map((p) => this.verifications.view(p.verification));
  }
}
