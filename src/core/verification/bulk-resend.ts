import { assertMay, type Principal } from '../access/permissions.js';
import { targetAccount } from '../access/target-account.js';
import type { AccountPersister } from '../accounts/port.js';
import type { AuditPersister } from '../audit/port.js';
import type { Clock } from '../clock.js';
import { CoreError } from '../errors.js';
import type { Purpose } from '../model.js';
import type { VerificationService } from './service.js';

export interface BulkResendFilter {
  /** Only verifications whose last email is older than this (every verification was sent at creation). */
  olderThanMs: number;
  purpose?: Purpose;
  /** An account by name or id. */
  account?: string;
}

export interface BulkResendPlan {
  /** Sends at or after this time count as already done: a resumed run skips whoever got one. */
  cutoff: number;
  accountId: string | null;
  ids: string[];
}

export type BulkOutcome =
  | { result: 'sent' }
  | { result: 'refused'; rule: string; retryAfterMs: number }
  | { result: 'skipped'; reason: 'not_pending' | 'sent_since' | 'subject_state' | 'gone' };

export interface BulkTotals {
  candidates: number;
  sent: number;
  /** Quota refusals by rule: counted, never retried. */
  refused: Record<string, number>;
  skipped: number;
  /** Candidates not reached (an interrupted run). */
  remaining: number;
}

const PAGE = 500;

/**
 * The bulk resend of pending verifications (`reverify resend --pending`), through the same core path
 * as every API resend, so every quota applies. Resumable by construction: a candidate is one whose
 * last send is older than the cutoff, and a send moves it past the cutoff, so running the command
 * again (or after Ctrl-C) skips everyone already reached. The run leaves one audit entry with totals.
 */
export class BulkResend {
  constructor(
    private readonly deps: {
      verifications: Pick<VerificationService, 'list' | 'get' | 'resend'>;
      accounts: Pick<AccountPersister, 'getAccount' | 'findAccountByName'>;
      audit: Pick<AuditPersister, 'append'>;
      clock: Clock;
      newId: () => string;
    },
  ) {}

  async plan(actor: Principal, filter: BulkResendFilter): Promise<BulkResendPlan> {
    assertMay(actor, 'send');
    const cutoff = this.deps.clock.now() - filter.olderThanMs;
    const accountId = filter.account === undefined ? null : await targetAccount(this.deps.accounts, actor, filter.account);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.verifications.list(actor, {
        state: 'pending',
        purpose: filter.purpose,
        accountId: accountId ?? undefined,
        createdBefore: cutoff,
        cursor,
        limit: PAGE,
      });
      for (const v of page.items) if ((v.lastSentAt ?? v.createdAt) < cutoff) ids.push(v.id);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // Oldest first: those who have waited longest are reached first.
    return { cutoff, accountId, ids: ids.reverse() };
  }

  /** One resend, unless the verification stopped waiting or was sent to since the cutoff. */
  async send(actor: Principal, id: string, cutoff: number): Promise<BulkOutcome> {
    try {
      const v = await this.deps.verifications.get(actor, id);
      if (v.state !== 'pending') return { result: 'skipped', reason: 'not_pending' };
      if ((v.lastSentAt ?? v.createdAt) >= cutoff) return { result: 'skipped', reason: 'sent_since' };
      await this.deps.verifications.resend(actor, id);
      return { result: 'sent' };
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      switch (e.code) {
        case 'QUOTA_EXCEEDED':
          return { result: 'refused', rule: e.details.rule ?? 'quota', retryAfterMs: e.details.retryAfterMs ?? 0 };
        case 'VERIFICATION_CONFIRMED':
        case 'VERIFICATION_CANCELLED':
        case 'VERIFICATION_EXPIRED':
          return { result: 'skipped', reason: 'not_pending' };
        case 'SUBJECT_STATE_INVALID':
          return { result: 'skipped', reason: 'subject_state' };
        case 'VERIFICATION_NOT_FOUND':
          return { result: 'skipped', reason: 'gone' };
        default:
          throw e;
      }
    }
  }

  /** The run's one audit entry. */
  async record(
    actor: Principal,
    run: { runId: string; filter: BulkResendFilter; plan: BulkResendPlan; startedAt: number; interrupted: boolean },
    totals: BulkTotals,
  ): Promise<void> {
    assertMay(actor, 'send');
    await this.deps.audit.append([
      {
        id: this.deps.newId(),
        at: this.deps.clock.now(),
        type: 'bulk_resend.finished',
        accountId: run.plan.accountId,
        verificationId: null,
        subjectId: null,
        detail: {
          runId: run.runId,
          interrupted: run.interrupted,
          olderThanMs: run.filter.olderThanMs,
          purpose: run.filter.purpose ?? null,
          cutoff: run.plan.cutoff,
          startedAt: run.startedAt,
          ...totals,
        },
      },
    ]);
  }
}

export const emptyTotals = (candidates: number): BulkTotals => ({ candidates, sent: 0, refused: {}, skipped: 0, remaining: candidates });

export const tally = (totals: BulkTotals, outcome: BulkOutcome): void => {
  totals.remaining--;
  if (outcome.result === 'sent') totals.sent++;
  else if (outcome.result === 'skipped') totals.skipped++;
  else totals.refused[outcome.rule] = (totals.refused[outcome.rule] ?? 0) + 1;
};
