import { Webhook } from 'standardwebhooks';
import type { Clock } from '../../core/clock.js';
import { type ServerKeys, unseal } from '../../core/secrets.js';
import type { AddressPolicy } from '../../core/webhooks/address-policy.js';
import type { WebhookPersister } from '../../core/webhooks/port.js';
import { type Channel, DeliveryError, type Dispatched } from '../channel.js';
import type { ClaimedMessage } from '../outbox-port.js';
import { postWebhook } from './safe-request.js';

export interface WebhookChannelDeps {
  endpoints: Pick<WebhookPersister, 'getEndpoint'>;
  keys: ServerKeys;
  clock: Clock;
  policy: AddressPolicy;
  timeoutMs: number;
}

/**
 * Webhooks over HTTPS, signed as the Standard Webhooks specification says (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature: v1,<HMAC-SHA256>`). The body and id are fixed when the
 * event is queued, so every retry is the same message; the timestamp and signature are of the attempt.
 * Any answer but 2xx is retried; an address webhooks may not reach is a permanent failure.
 */
export class WebhookChannel implements Channel {
  readonly id = 'webhook' as const;

  constructor(private readonly deps: WebhookChannelDeps) {}

  async dispatch(m: ClaimedMessage): Promise<Dispatched> {
    const endpoint = await this.deps.endpoints.getEndpoint(m.recipient);
    if (!endpoint || endpoint.deletedAt !== null) return { result: 'skipped', reason: 'endpoint deleted' };
    const body = m.data.body ?? '';
    const signer = new Webhook(unseal(this.deps.keys.seal, endpoint.sealedSecret));
    const at = new Date(this.deps.clock.now());
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Reverify-Webhooks/1',
      'webhook-id': m.messageId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signer.sign(m.messageId, at, body),
    };
    const { status, excerpt } = await postWebhook(endpoint.url, body, headers, {
      policy: this.deps.policy,
      timeoutMs: this.deps.timeoutMs,
    });
    const answer = `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`;
    if (status >= 200 && status < 300) return { result: 'sent', response: answer };
    if (status >= 300 && status < 400) throw new DeliveryError(`${answer} (redirects are not followed)`, false);
    throw new DeliveryError(answer, false);
  }

  async close(): Promise<void> {}
}
