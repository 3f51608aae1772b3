import { assertMay, type Principal, scopeOf } from '../access/permissions.js';
import type { AuditPersister } from '../audit/port.js';
import type { Clock } from '../clock.js';
import type { MessageReads } from '../messages/port.js';
import type { MessageStatus } from '../model.js';

const HOUR = 3_600_000;

/** Upper bounds of the latency buckets shown: under 1 s, 5 s, 30 s, 1 min, 5 min, 1 h, and longer. */
export const latencyBoundsMs = [1_000, 5_000, 30_000, 60_000, 300_000, 3_600_000];

export interface ActivitySummary {
  /** Start of each hour (UTC, epoch ms), oldest first; the last is the current hour. */
  hours: number[];
  sends: number[];
  confirmations: number[];
  refusals: number[];
  latency: { boundsMs: number[]; counts: number[] };
  queue: Record<MessageStatus, number>;
}

const SEND_EVENTS = ['verification.created', 'verification.resent'];

/** What happened over the last day, per hour, for charts: of the caller's account, or of all for the operator. */
export class ActivityStats {
  constructor(
    private readonly deps: {
      audit: Pick<AuditPersister, 'countByHour'>;
      messages: Pick<MessageReads, 'latencyHistogram' | 'queueDepth'>;
      clock: Clock;
    },
  ) {}

  /** Messages by status, live (the Messages page polls it). */
  async queue(actor: Principal): Promise<Record<MessageStatus, number>> {
    assertMay(actor, 'read');
    return this.deps.messages.queueDepth(scopeOf(actor));
  }

  async lastDay(actor: Principal, hours = 24): Promise<ActivitySummary> {
    assertMay(actor, 'read');
    const accountId = scopeOf(actor);
    const current = Math.floor(this.deps.clock.now() / HOUR) * HOUR;
    const since = current - (hours - 1) * HOUR;
    const [counts, latency, queue] = await Promise.all([
      this.deps.audit.countByHour({ types: [...SEND_EVENTS, 'verification.confirmed', 'quota.refused'], since, accountId }),
      this.deps.messages.latencyHistogram({ sentSince: since, accountId, boundsMs: latencyBoundsMs }),
      this.deps.messages.queueDepth(accountId),
    ]);
    const slots = Array.from({ length: hours }, (_, i) => since + i * HOUR);
    const series = (types: string[]) =>
      slots.map((hour) => counts.filter((c) => c.hour === hour && types.includes(c.type)).reduce((n, c) => n + c.count, 0));
    return {
      hours: slots,
      sends: series(SEND_EVENTS),
      confirmations: series(['verification.confirmed']),
      refusals: series(['quota.refused']),
      latency: { boundsMs: latencyBoundsMs, counts: latency },
      queue,
    };
  }
}
