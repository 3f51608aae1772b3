import type { Clock } from '../../core/clock.js';
import { type ServerKeys, unseal } from '../../core/secrets.js';
import { type Announcement, announceMessage } from '../../core/webhooks/events.js';
import { type Channel, DeliveryError, type Dispatched } from '../channel.js';
import type { ClaimedMessage, DeliveryOutcome } from '../outbox-port.js';
import type { RenderedMail } from '../templates/render.js';
import type { TemplateVars } from '../templates/template.js';
import type { OutgoingMail } from '../transports/transport.js';
import type { TransportRouter } from './router.js';

/** Renders one message's mail: the templates that apply to its account, purpose, locale and chosen set. */
export type MailRenderer = (
  m: { accountId: string | null; purpose: ClaimedMessage['purpose']; locale: string; set?: string },
  vars: TemplateVars,
) => Promise<RenderedMail> | RenderedMail;

export interface EmailChannelDeps {
  transports: TransportRouter;
  render: MailRenderer;
  keys: ServerKeys;
  clock: Clock;
  newId: () => string;
  options: {
    from: string;
    publicUrl: string;
    /** VERP: each message's envelope sender is `bounce+<message id>@` this domain. */
    bounceDomain: string | null;
  };
}

/** The VERP envelope sender of one message: a bounce names the message it is about. */
export const returnPathOf = (messageId: string, bounceDomain: string): string => `bounce+${messageId}@${bounceDomain}`;

/**
 * Email over SMTP (or into the captured inbox): renders at dispatch time, so no token sits in clear
 * at rest, and ends unsent what its verification no longer needs or what may not go to its recipient.
 */
export class EmailChannel implements Channel {
  readonly id = 'email' as const;

  constructor(private readonly deps: EmailChannelDeps) {}

  async dispatch(m: ClaimedMessage): Promise<Dispatched> {
    const skip = this.skipReason(m);
    if (skip) return { result: 'skipped', reason: skip };
    let mail: OutgoingMail;
    try {
      mail = await this.prepare(m);
    } catch (e) {
      throw new DeliveryError(`could not render: ${String(e)}`, false);
    }
    const { response } = await this.deps.transports.for(m.destination).send(mail);
    return { result: 'sent', response };
  }

  announce(m: ClaimedMessage, outcome: DeliveryOutcome, now: number): Announcement[] {
    const id = this.deps.newId();
    if (outcome.result === 'sent') return [announceMessage(id, 'message.sent', m, now, { response: outcome.response })];
    if (outcome.result === 'deferred')
      return [
        announceMessage(id, 'message.deferred', m, now, {
          error: outcome.error,
          next_attempt_at: new Date(outcome.nextAttemptAt).toISOString(),
        }),
      ];
    return [announceMessage(id, 'message.failed', m, now, { error: outcome.error, abandoned: outcome.abandoned })];
  }

  async close(): Promise<void> {
    await this.deps.transports.close();
  }

  private skipReason(m: ClaimedMessage): string | null {
    if (m.verificationState !== 'pending') return `verification is ${m.verificationState ?? 'gone'}`;
    const token = m.token;
    if (!token?.sealed || token.usedAt !== null || token.expiresAt <= this.deps.clock.now()) return 'link no longer valid';
    if (m.recipientSuppressed) return 'recipient is on the suppression list';
    return null;
  }

  private async prepare(m: ClaimedMessage): Promise<OutgoingMail> {
    const { keys, options } = this.deps;
    const token = m.token as NonNullable<ClaimedMessage['token']>;
    const link = `${options.publicUrl.replace(/\/+$/, '')}/verify?token=${encodeURIComponent(unseal(keys.seal, token.sealed as string))}`;
    const { template, ...data } = m.data;
    const rendered = await this.deps.render(
      { accountId: m.accountId, purpose: m.purpose, locale: m.locale, set: template },
      { link, expiresAt: new Date(token.expiresAt), recipient: m.recipient, ...data },
    );
    return {
      from: options.from,
      to: m.recipient,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId: m.messageId,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Reverify-Message': m.id, 'Content-Language': rendered.locale.replace('_', '-') },
      returnPath: options.bounceDomain ? returnPathOf(m.id, options.bounceDomain) : null,
      accountId: m.accountId,
      outboxId: m.id,
    };
  }
}
