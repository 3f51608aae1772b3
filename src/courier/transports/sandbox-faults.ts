import { setTimeout as delay } from 'node:timers/promises';
import type { FaultRegistry } from '../../core/faults/registry.js';
import { DeliveryError } from '../channel.js';
import type { MailTransport, OutgoingMail } from './transport.js';

/**
 * The sandbox's mail faults, between the email channel and its transports: the receiving server
 * defers (451) or refuses (550) the next messages, is slow, or accepts a message and then bounces it.
 * A bounce is reported once the courier has recorded the message as sent, as a real one would arrive.
 */
export class SandboxMailFaults {
  private readonly toBounce = new Set<string>();
  private bounce: ((m: { id: string; recipient: string }) => Promise<unknown>) | null = null;

  constructor(private readonly faults: Pick<FaultRegistry, 'take'>) {}

  wrap(inner: MailTransport): MailTransport {
    return {
      send: async (mail: OutgoingMail) => {
        const effect = this.faults.take({ target: 'mail', endpoint: '', accountId: mail.accountId });
        if (effect?.kind === 'latency') await delay(effect.ms);
        if (effect?.kind === 'defer') throw new DeliveryError('451 4.3.0 Sandbox fault: try again later', false, '451 4.3.0');
        if (effect?.kind === 'fail') throw new DeliveryError('550 5.1.1 Sandbox fault: mailbox unavailable', true, '550 5.1.1');
        const sent = await inner.send(mail);
        if (effect?.kind === 'bounce') this.toBounce.add(mail.outboxId);
        return sent;
      },
      close: () => inner.close(),
    };
  }

  /** Where a bounce is reported (the bounce service, wired once it exists). */
  bounceThrough(report: (m: { id: string; recipient: string }) => Promise<unknown>): void {
    this.bounce = report;
  }

  /** Told of each email the courier recorded as sent. */
  delivered(m: { id: string; recipient: string }): void {
    if (!this.toBounce.delete(m.id)) return;
    void this.bounce?.(m);
  }
}
