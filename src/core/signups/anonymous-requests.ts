import type { AuditPersister } from '../audit/port.js';
import type { Clock } from '../clock.js';
import type { QuotaPersister } from '../quotas/port.js';
import type { QueuedRequest, RequestQueue } from '../requests/port.js';
import { type ServerKeys, seal, unseal } from '../secrets.js';
import type { SignupService } from './service.js';

export type AnonymousRequest =
  | { kind: 'resend_activation'; email: string }
  | { kind: 'signup'; email: string; firstName?: string; lastName?: string; invitationCode?: string };

export interface AnonymousRequestsDeps {
  queue: RequestQueue;
  quotas: QuotaPersister;
  audit: AuditPersister;
  clock: Clock;
  keys: ServerKeys;
  newId: () => string;
  signups: SignupService;
  /** Anonymous requests admitted per client IP per minute; 0 switches the limit off. */
  perIpPerMinute: number;
}

/**
 * Anonymous sign-up requests, made enumeration-safe by construction: accepting one costs the same
 * whatever the address (an admission check per client IP, then one durable insert of the sealed
 * request), and the caller is answered only after that insert is committed. The work that differs
 * between a pending, unknown or activated address happens later, in `work`, on the worker's own
 * schedule, so it cannot slow the caller's request or the request that follows it.
 */
export class AnonymousRequests {
  constructor(private readonly deps: AnonymousRequestsDeps) {}

  /** Records the request (or, over the caller's IP limit, silently drops it). Resolves once durable. */
  async accept(request: AnonymousRequest, ip: string | null): Promise<void> {
    const { quotas, clock, keys, queue, newId, perIpPerMinute } = this.deps;
    const at = clock.now();
    if (perIpPerMinute > 0) {
      const admitted = await quotas.take([{ name: 'ip_requests', key: `anon:${ip ?? ''}`, windowMs: 60_000, limit: perIpPerMinute }], at);
      if (!admitted.ok) {
        await this.deps.audit.countRefusal({
          id: newId(),
          type: 'request.refused',
          at,
          accountId: null,
          verificationId: null,
          subjectId: null,
          key: `ip_requests|${ip ?? ''}`,
          detail: { rule: 'ip_requests', ip },
        });
        return;
      }
    }
    await queue.enqueue({ id: newId(), kind: request.kind, sealed: seal(keys.seal, JSON.stringify(request)), ip, receivedAt: at });
  }

  /**
   * Works up to `limit` queued requests for `owner`; returns how many it took. A request whose work
   * failed stays leased and is tried again once the lease expires (its sends are idempotent under the
   * recipient's cooldown); `onError` hears of it.
   */
  async work(owner: string, limit: number, leaseMs: number, onError: (e: unknown) => void = () => {}): Promise<number> {
    const claimed = await this.deps.queue.claim(owner, limit, leaseMs, this.deps.clock.now());
    const done: string[] = [];
    for (const r of claimed) {
      try {
        await this.perform(r);
        done.push(r.id);
      } catch (e) {
        onError(e);
      }
    }
    await this.deps.queue.finish(owner, done);
    return claimed.length;
  }

  private async perform(r: QueuedRequest): Promise<void> {
    const request = JSON.parse(unseal(this.deps.keys.seal, r.sealed)) as AnonymousRequest;
    if (request.kind === 'resend_activation') await this.deps.signups.resendActivation(request.email, r.ip);
    else await this.deps.signups.signup({ ...request, ip: r.ip });
  }
}
