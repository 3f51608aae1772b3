import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { ChannelId } from '../core/model.js';
import { retryDelayMs } from './backoff.js';
import { type Channel, DeliveryError } from './channel.js';
import type { ClaimedMessage, ClaimRoom, DeliveryOutcome, Outbox } from './outbox-port.js';

export interface CourierOptions {
  /** Deliveries in flight at once on this node. */
  concurrency: number;
  /** Deliveries in flight at once per destination (email: recipient domain; webhook: endpoint), by channel. */
  perDestination: Record<ChannelId, number>;
  leaseMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Longest sleep between two looks at the outbox (other nodes may have queued mail). */
  pollMs: number;
}

export type CourierResult = 'sent' | 'deferred' | 'failed' | 'abandoned' | 'suppressed';

export interface DeliveryReport {
  channel: ChannelId;
  result: CourierResult;
  message: ClaimedMessage;
  detail: string;
  durationMs: number;
}

export interface CourierDeps {
  outbox: Outbox;
  channels: Channel[];
  clock: Clock;
  logger: Logger;
  options: CourierOptions;
  onResult?: (report: DeliveryReport) => void;
}

interface InFlight {
  channel: ChannelId;
  destination: string;
  done: Promise<void>;
}

/**
 * The outbox worker, for every channel: claims due messages under a lease, hands each to its channel,
 * and records every attempt, retrying temporary failures with backoff and abandoning them after
 * `maxAttempts`. Each delivery runs on its own: the moment one ends, its slot claims the next due
 * message, so no delivery waits for a slower one. A destination never holds more than its share of the
 * slots. An expired lease is taken over by any node.
 */
export class Courier {
  readonly owner = `courier-${randomUUID()}`;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly channels: Map<ChannelId, Channel>;

  constructor(private readonly deps: CourierDeps) {
    this.channels = new Map(deps.channels.map((c) => [c.id, c]));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Asks the loop to look at the outbox now instead of at its next poll. */
  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  /** Stops claiming and waits for the deliveries in flight to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
    await this.settled();
    await Promise.all([...this.channels.values()].map((c) => c.close()));
  }

  /** One pass: claims what there is room for, delivers it, and returns how many were claimed. */
  async drainOnce(): Promise<number> {
    const { started } = await this.claim();
    await this.settled();
    return started;
  }

  private async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()].map((f) => f.done));
  }

  /** What each destination with deliveries in flight here may still take. */
  private room(): ClaimRoom {
    const { perDestination } = this.deps.options;
    const left: Record<string, number> = {};
    for (const f of this.inFlight.values()) left[f.destination] = (left[f.destination] ?? perDestination[f.channel]) - 1;
    return { perDestination, left };
  }

  /** Claims up to the free slots and starts each delivery at once; `more`: every free slot was filled, so more may be due. */
  private async claim(): Promise<{ started: number; more: boolean }> {
    const { outbox, clock, options } = this.deps;
    const free = options.concurrency - this.inFlight.size;
    if (free <= 0) return { started: 0, more: false };
    const claimed = await outbox.claim(this.owner, free, options.leaseMs, clock.now(), this.room());
    for (const m of claimed) this.begin(m);
    return { started: claimed.length, more: claimed.length === free };
  }

  private begin(m: ClaimedMessage): Promise<void> {
    const done = this.deliver(m)
      .catch((err: unknown) => this.deps.logger.error({ err, message: m.id, channel: m.channel }, 'delivery could not be recorded'))
      .finally(() => {
        this.inFlight.delete(m.id);
        this.wake();
      });
    this.inFlight.set(m.id, { channel: m.channel, destination: m.destination, done });
    return done;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pendingWake = false;
      let more = false;
      try {
        // One turn of the event loop first: deliveries whose outcomes were committed together free
        // their slots together, and one claim fills them all (a claim per slot cost ~20 % throughput).
        await new Promise<void>((resolve) => setImmediate(resolve));
        more = (await this.claim()).more;
      } catch (e) {
        this.deps.logger.error({ err: e }, 'courier claim failed');
      }
      // A claim that left slots free found nothing more to take now (what is due is for destinations
      // without room): claiming again at once read the whole backlog for nothing, once per delivery.
      if (!more && this.running && !this.pendingWake) await this.sleep();
    }
    await this.settled();
  }

  /** Until a delivery ends, mail is queued here (wake), the next message falls due, or the poll interval passes. */
  private async sleep(): Promise<void> {
    const { outbox, clock, options } = this.deps;
    let wait = options.pollMs;
    if (this.inFlight.size < options.concurrency) {
      const due = await outbox.nextDueAt().catch(() => null);
      // Due now yet not claimed: its destination has no room here; a delivery ending wakes the loop.
      if (due !== null && due > clock.now()) wait = Math.min(options.pollMs, due - clock.now());
    }
    if (this.pendingWake) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
    this.wakeUp = null;
  }

  private async deliver(m: ClaimedMessage): Promise<void> {
    const { outbox, clock, logger } = this.deps;
    const started = performance.now();
    const channel = this.channels.get(m.channel);
    let outcome: DeliveryOutcome;
    try {
      if (!channel) throw new DeliveryError(`no ${m.channel} channel is configured`, false);
      const dispatched = await channel.dispatch(m);
      if (dispatched.result === 'skipped') {
        await outbox.suppress(m.id, this.owner, dispatched.reason, clock.now());
        this.report(m, 'suppressed', dispatched.reason, started);
        return;
      }
      outcome = { result: 'sent', response: dispatched.response };
    } catch (e) {
      outcome = this.failure(m, e);
    }
    const now = clock.now();
    const kept = await outbox.complete(m.id, this.owner, outcome, now, channel?.announce?.(m, outcome, now) ?? []);
    if (!kept) logger.warn({ message: m.id, channel: m.channel }, 'lease lost before the attempt was recorded');
    const result = outcome.result === 'failed' && outcome.abandoned ? 'abandoned' : outcome.result;
    this.report(m, result, outcome.result === 'sent' ? outcome.response : outcome.error, started);
  }

  private failure(m: ClaimedMessage, e: unknown): DeliveryOutcome {
    const { clock, options } = this.deps;
    const error = e instanceof Error ? e.message : String(e);
    if (e instanceof DeliveryError && e.permanent) return { result: 'failed', error, abandoned: false };
    if (m.attempts >= options.maxAttempts)
      return { result: 'failed', error: `abandoned after ${m.attempts} attempts: ${error}`, abandoned: true };
    return { result: 'deferred', error, nextAttemptAt: clock.now() + retryDelayMs(m.attempts, options.retryBaseMs, options.retryMaxMs) };
  }

  private report(m: ClaimedMessage, result: CourierResult, detail: string, started: number): void {
    const durationMs = performance.now() - started;
    this.deps.onResult?.({ channel: m.channel, result, message: m, detail, durationMs });
    const level = result === 'sent' ? 'info' : result === 'deferred' || result === 'suppressed' ? 'warn' : 'error';
    this.deps.logger[level](
      {
        message: m.id,
        channel: m.channel,
        destination: m.destination,
        attempt: m.attempts,
        result,
        detail,
        ms: Math.round(durationMs),
      },
      `${m.channel} ${result}`,
    );
  }
}
