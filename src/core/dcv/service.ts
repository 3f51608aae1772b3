import { parseRecipient } from '../addresses.js';
import { CoreError } from '../errors.js';
import type { Verification } from '../model.js';
import type { DcvResolver, DcvStore, WriteBatch } from '../ports.js';
import type { Subject } from '../subjects/model.js';
import { assertMayHandle } from '../subjects/permissions.js';
import { templateData } from '../subjects/template-data.js';
import { effectiveState, event, planCreate, planResend, retireTokens, type SendPlan } from '../verification/lifecycle.js';
import type { AccountScope, ServiceDeps, VerificationService } from '../verification/service.js';
import { allowedAddresses, constructedAddresses, isAllowed } from './addresses.js';
import { normaliseDomainName, registrableDomain } from './names.js';

/** How long an address offered by an address list may then be chosen for a resend (Sectigo: 24 h). */
export const OFFER_VALIDITY_MS = 24 * 3600_000;

export interface DcvAddressList {
  domain: string;
  level2: string[];
  level3: string[];
  dnsTxt: string[];
  caa: string[];
}

export interface DcvResendInput {
  accountId: string;
  orderNumber?: string;
  baseOrderNumber?: string;
  /** A newly chosen address; omitted, every pending name is resent to its last address. */
  email?: string;
  /** Only addresses offered to the account by an address list within 24 h may be chosen. */
  requireOffer?: boolean;
  templateId?: string;
  locale?: string;
  ip?: string | null;
  /** The caller's account permissions (voucher orders need `voucher`). */
  permissions?: Record<string, boolean>;
}

/**
 * Domain control validation by email, shared by every dialect: the allowed addresses of a name,
 * the offers made to an account, and resends of an SSL order's pending names.
 */
export class DcvService {
  constructor(
    private readonly deps: ServiceDeps & { store: ServiceDeps['store'] & DcvStore; resolver: DcvResolver },
    private readonly verifications: VerificationService,
  ) {}

  /** The addresses a DCV email for `rawName` may go to; recorded as offered to the account. */
  async addressList(accountId: string, rawName: string): Promise<DcvAddressList> {
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
    await this.deps.store.recordDcvOffers(
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

  async findOrder(accountId: AccountScope, ref: { orderNumber?: string; baseOrderNumber?: string }): Promise<Subject> {
    const { store } = this.deps;
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
  async resendOrder(input: DcvResendInput): Promise<Verification[]> {
    const order = await this.findOrder(input.accountId, input);
    assertMayHandle(order, input.permissions ?? {}, input.orderNumber !== undefined ? 'orderNumber' : 'baseOrderNumber');
    if (order.state !== 'awaiting_dcv') throw new CoreError('SUBJECT_STATE_INVALID', { state: order.state });
    const ctx = this.verifications.context();
    const all = await this.deps.store.verificationsOfSubject(order.id);
    const proven = new Set(all.filter((v) => v.state === 'confirmed').flatMap((v) => v.scope));
    const pendingNames = order.domains.filter((d) => !proven.has(d));
    const live = all.filter((v) => v.purpose === 'dcv' && effectiveState(v, ctx.now) === 'pending');
    const data = (scope: string[]) => ({ ...templateData(order, scope), ...(input.templateId ? { template: input.templateId } : {}) });
    const plans: SendPlan[] = [];
    const extra: WriteBatch = { verifications: { update: [] }, tokens: { update: [] }, events: [] };

    const sendTo = async (recipient: string, scope: string[], current: Verification | undefined) => {
      if (current) {
        const token = await this.deps.store.getToken(current.currentTokenId);
        if (!token) throw new Error(`verification ${current.id} has no current token`);
        plans.push(planResend(ctx, current, token, { scope, locale: input.locale, ip: input.ip ?? null, data: data(scope) }));
      } else {
        plans.push(
          planCreate(ctx, {
            accountId: order.accountId,
            subjectId: order.id,
            recipient,
            purpose: 'dcv',
            scope,
            locale: input.locale ?? all.at(-1)?.locale ?? 'en',
            ip: input.ip ?? null,
            data: data(scope),
          }),
        );
      }
    };

    if (input.email === undefined) {
      const covered = new Set(live.flatMap((v) => v.scope));
      for (const v of live) await sendTo(v.recipient, v.scope, v);
      const orphans = pendingNames.filter((d) => !covered.has(d));
      const last = all.at(-1)?.recipient ?? order.dcvEmail;
      if (orphans.length > 0 && last) await sendTo(last, orphans, undefined);
    } else {
      const email = parseRecipient(input.email, 'dcvEmailAddress');
      if (input.requireOffer) {
        const since = ctx.now - OFFER_VALIDITY_MS;
        const offered = await this.deps.store.dcvOfferedDomains(input.accountId, email, order.domains, since);
        if (offered.length === 0)
          throw new CoreError('VALIDATION_FAILED', { field: 'dcvEmailAddress' }, 'The address was not offered for this order.');
      }
      const moving: string[] = [];
      for (const name of pendingNames) if (isAllowed(await this.allowedFor(name), email)) moving.push(name);
      if (moving.length === 0)
        throw new CoreError('VALIDATION_FAILED', { field: 'dcvEmailAddress' }, 'The address is not allowed for any pending name.');
      const same = live.find((v) => v.recipient === email);
      for (const v of live) {
        if (v === same) continue;
        const rest = v.scope.filter((d) => !moving.includes(d));
        if (rest.length === v.scope.length) continue;
        const version = v.version + 1;
        if (rest.length > 0) extra.verifications?.update?.push({ ...v, scope: rest, updatedAt: ctx.now, version });
        else {
          extra.verifications?.update?.push({ ...v, state: 'cancelled', cancelledAt: ctx.now, updatedAt: ctx.now, version });
          extra.tokens?.update?.push(...retireTokens(await this.deps.store.tokensOf(v.id), ctx.now));
          extra.events?.push(event(ctx, 'verification.cancelled', v, { reason: 'names moved to another address' }));
        }
        extra.expect = { ...extra.expect, verifications: { ...extra.expect?.verifications, [v.id]: v.version } };
      }
      await sendTo(email, [...new Set([...(same?.scope ?? []), ...moving])], same);
      extra.expect = { ...extra.expect, subjects: { [order.id]: order.version } };
      extra.subjects = { update: [{ ...order, dcvEmail: email, updatedAt: ctx.now, version: order.version + 1 }] };
    }
    if (plans.length === 0) throw new CoreError('SUBJECT_STATE_INVALID', { state: order.state });
    await this.verifications.commitSends(ctx, plans, { enforce: true, extra });
    return plans.map((p) => this.verifications.view(p.verification));
  }
}
