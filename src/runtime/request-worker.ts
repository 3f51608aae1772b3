import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AnonymousRequests } from '../core/signups/anonymous-requests.js';

const BATCH = 500;

/**
 * Works the queue of anonymous requests on a fixed tick, never in reaction to one request: what a
 * request causes then happens at a time unrelated to it, which keeps timing from telling addresses
 * apart. Requests left by a crashed node are taken over once their lease expires.
 */
export class RequestWorker {
  readonly owner = `requests-${randomUUID()}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly requests: AnonymousRequests,
    private readonly tickMs: number,
    private readonly leaseMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
  }

  private tick(): Promise<void> {
    this.running ??= this.drainOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async drainOnce(): Promise<void> {
    try {
      const onError = (err: unknown) => this.logger.error({ err }, 'anonymous request failed; retried after its lease');
      while ((await this.requests.work(this.owner, BATCH, this.leaseMs, onError)) === BATCH) {}
    } catch (err) {
      this.logger.error({ err }, 'anonymous request work failed');
    }
  }

  /** Works everything queued so far (tests, shutdown). */
  async drain(): Promise<void> {
    await this.running;
    await this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
