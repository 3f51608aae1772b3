import type { Logger } from 'pino';
import type { Settings } from '../config/settings.js';
import type { Clock } from '../core/clock.js';
import type { CapturedInbox } from '../core/inbox/service.js';
import type { ServerKeys } from '../core/secrets.js';
import type { AddressPolicy } from '../core/webhooks/address-policy.js';
import type { WebhookPersister } from '../core/webhooks/port.js';
import { Courier } from '../courier/dispatcher.js';
import { EmailChannel, type MailRenderer } from '../courier/email/channel.js';
import { parseSmtpRoute, TransportRouter } from '../courier/email/router.js';
import type { Outbox } from '../courier/outbox-port.js';
import { CaptureTransport } from '../courier/transports/capture.js';
import type { SandboxMailFaults } from '../courier/transports/sandbox-faults.js';
import { type DkimKey, SmtpTransport } from '../courier/transports/smtp.js';
import type { MailTransport } from '../courier/transports/transport.js';
import { WebhookChannel } from '../courier/webhooks/channel.js';
import type { Metrics } from './metrics.js';

export interface CourierSetup {
  outbox: Outbox;
  inbox: CapturedInbox;
  keys: ServerKeys;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  newId: () => string;
  render: MailRenderer;
  dkim: DkimKey | null;
  endpoints: Pick<WebhookPersister, 'getEndpoint'>;
  webhookPolicy: AddressPolicy;
  /** Sandbox only: mail faults between the channel and its transports. */
  mailFaults: SandboxMailFaults | null;
}

const transportFor = (url: string, s: CourierSetup, clock: Clock): MailTransport => {
  const transport = url === 'capture:' ? new CaptureTransport(s.inbox, () => clock.now()) : new SmtpTransport(url, { dkim: s.dkim });
  return s.mailFaults ? s.mailFaults.wrap(transport) : transport;
};

/** The courier with its channels, from settings: email over SMTP routes (or capture), and webhooks. */
export const createCourier = (settings: Settings, s: CourierSetup): Courier => {
  const { clock } = s;
  const email = new EmailChannel({
    transports: new TransportRouter(
      transportFor(settings.smtpUrl, s, clock),
      settings.smtpRoutes.map(parseSmtpRoute).map((r) => ({ pattern: r.pattern, transport: transportFor(r.url, s, clock) })),
    ),
    render: s.render,
    keys: s.keys,
    clock,
    newId: s.newId,
    options: { from: settings.mailFrom, publicUrl: settings.publicUrl, bounceDomain: settings.bounceDomain },
  });
  return new Courier({
    outbox: s.outbox,
    channels: [
      email,
      new WebhookChannel({
        endpoints: s.endpoints,
        keys: s.keys,
        clock,
        policy: s.webhookPolicy,
        timeoutMs: settings.webhookTimeout * 1000,
      }),
    ],
    clock,
    logger: s.logger.child({ component: 'courier' }),
    options: {
      concurrency: settings.courierConcurrency,
      perDestination: {
        // Mail captured in the database has no server that could be slow: no share to keep.
        email:
          settings.smtpUrl === 'capture:' && settings.smtpRoutes.length === 0
            ? settings.courierConcurrency
            : settings.courierPerDestination,
        webhook: settings.webhookPerEndpoint,
      },
      leaseMs: settings.courierLease * 1000,
      maxAttempts: settings.courierMaxAttempts,
      retryBaseMs: settings.courierRetryBaseMs,
      retryMaxMs: settings.courierRetryMaxMs,
      pollMs: settings.courierPollMs,
    },
    onResult: (r) => {
      if (r.channel === 'email') s.metrics.messages.inc({ result: r.result });
      if (r.channel === 'email' && r.result === 'sent') s.mailFaults?.delivered(r.message);
      s.metrics.deliveries.inc({ channel: r.channel, result: r.result });
      s.metrics.deliveryLatency.observe({ channel: r.channel }, r.durationMs / 1000);
      if (r.channel === 'webhook' && r.result !== 'sent' && r.result !== 'suppressed')
        s.metrics.webhookFailures.inc({ endpoint: r.message.destination });
    },
  });
};
