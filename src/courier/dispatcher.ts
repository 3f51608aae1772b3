import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Message } from '../core/model.js';
import { type ServerKeys, unseal } from '../core/secrets.js';
import { retryDelayMs } from './backoff.js';
import type { ClaimedMessage, DeliveryOutcome, Outbox } from './outbox-port.js';
import { renderMail } from './templates/render.js';
import { DeliveryError, type MailTransport, type OutgoingMail } from './transports/transport.js';

export interface CourierOptions {
  concurrency: number;
  leaseMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Longest sleep between two looks at the outbox (other nodes may have queued mail). */
  pollMs: number;
  from: string;
  publicUrl: string;
}

export type CourierResult = 'sent' | 'deferred' | 'failed' | 'abandoned' | 'suppressed';

export interface CourierDeps {
  outbox: Outbox;
  transport: MailTransport;
  clock: Clock;
  keys: ServerKeys;
  logger: Logger;
  options: CourierOptions;
  onResult?: (result: CourierResult) => void;
}

/**
 * The outbox worker: claims due messages under a lease, renders them at dispatch time (so no token
 * sits in clear at rest), sends, and records every attempt. An expired lease is taken over by any node.
 */
export class Courier {
  readonly owner = `courier-${randomUUID()}`;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;

  constructor(private readonly deps: CourierDeps) {}

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

  /** Stops claiming and waits for the sends in flight to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
    await this.deps.transport.close();
  }

  /** One pass: claim and deliver what is due; returns how many were claimed. */
  async drainOnce(): Promise<number> {
    const { outbox, clock, options } = this.deps;
    const claimed = await outbox.claim(this.owner, options.concurrency, options.leaseMs, clock.now());
    await Promise.all(claimed.map((m) => this.deliver(m)));
    return claimed.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pendingWake = false;
      let claimed = 0;
      try {
        claimed = await this.drainOnce();
      } catch (e) {
        this.deps.logger.error({ err: e }, 'courier pass failed');
      }
      if (claimed === 0 && this.running && !this.pendingWake) await this.sleep();
    }
  }

  private async sleep(): Promise<void> {
    const { outbox, clock, options } = this.deps;
    const due = await outbox.nextDueAt().catch(() => null);
    const wait = due === null ? options.pollMs : Math.max(0, Math.min(options.pollMs, due - clock.now()));
    if (wait === 0 || this.pendingWake) return;
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
    const mail = await this.prepare(m).catch((e: unknown) => new DeliveryError(`could not render: ${String(e)}`, false));
    if (mail instanceof DeliveryError) {
      await outbox.complete(m.id, this.owner, this.failure(m, mail), clock.now());
      this.report('deferred', m, mail.message);
      return;
    }
    if (typeof mail === 'string') {
      await outbox.suppress(m.id, this.owner, mail, clock.now());
      this.report('suppressed', m, mail);
      return;
    }
    const outcome = await this.attempt(m, mail);
    const kept = await outbox.complete(m.id, this.owner, outcome, clock.now());
    if (!kept) logger.warn({ message: m.id }, 'lease lost before the attempt was recorded');
    this.report(
      outcome.result === 'failed' && outcome.abandoned ? 'abandoned' : outcome.result,
      m,
      outcome.result === 'sent' ? outcome.response : outcome.error,
    );
  }

  private async attempt(m: Message, mail: OutgoingMail): Promise<DeliveryOutcome> {
    const { transport } = this.deps;
    try {
      const { response } = await transport.send(mail);
      return { result: 'sent', response };
    } catch (e) {
      return this.failure(m, e);
    }
  }

  private failure(m: Message, e: unknown): DeliveryOutcome {
    const { clock, options } = this.deps;
    const error = e instanceof Error ? e.message : String(e);
    if (e instanceof DeliveryError && e.permanent) return { result: 'failed', error, abandoned: false };
    if (m.attempts >= options.maxAttempts)
      return { result: 'failed', error: `abandoned after ${m.attempts} attempts: ${error}`, abandoned: true };
    return { result: 'deferred', error, nextAttemptAt: clock.now() + retryDelayMs(m.attempts, options.retryBaseMs, options.retryMaxMs) };
  }

  /** Renders the mail, or says why it must not be sent any more. */
  private async prepare(m: ClaimedMessage): Promise<OutgoingMail | string> {
    const { keys, options } = this.deps;
    if (m.verificationState !== 'pending') return `verification is ${m.verificationState ?? 'gone'}`;
    const token = m.token;
    if (!token?.sealed || token.usedAt !== null || token.expiresAt <= this.deps.clock.now()) return 'link no longer valid';
    const link = `${options.publicUrl.replace(/\/+$/, '')}/verify?token=${encodeURIComponent(unseal(keys.seal, token.sealed))}`;
    const { template, ...data } = m.data;
    const rendered = renderMail(
      m.purpose,
      m.locale,
      { link, expiresAt: new Date(token.expiresAt), recipient: m.recipient, ...data },
      template,
    );
    return {
      from: options.from,
      to: m.recipient,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId: m.messageId,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Reverify-Message': m.id, 'Content-Language': rendered.locale.replace('_', '-') },
      accountId: m.accountId,
      outboxId: m.id,
    };
  }

  private report(result: CourierResult, m: Message, detail: string): void {
    this.deps.onResult?.(result);
    const level = result === 'sent' ? 'info' : result === 'deferred' || result === 'suppressed' ? 'warn' : 'error';
    this.deps.logger[level]({ message: m.id, attempt: m.attempts, result, detail }, `message ${result}`);
  }
}
