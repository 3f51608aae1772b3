import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Settings } from '../config/settings.js';
import type { Clock } from '../core/clock.js';
import { BounceService } from '../core/suppressions/bounces.js';
import { readDsn } from '../courier/bounces/dsn-reader.js';
import { SmtpIntake } from '../courier/bounces/smtp-intake.js';
import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

/** The bounce service, and its inbound SMTP listener when a port is configured. */
export const createBounces = (
  settings: Settings,
  d: { store: Store; clock: Clock; logger: Logger; metrics: Metrics; newId: () => string; wake: () => void },
): { bounces: BounceService; intake: SmtpIntake | null } => {
  const bounces = new BounceService({
    messages: d.store.messages,
    suppressions: d.store.suppressions,
    readDsn,
    clock: d.clock,
    newId: d.newId,
    bounceDomain: settings.bounceDomain,
    onAnnounced: d.wake,
    onOutcome: (o) => d.metrics.bounces.inc({ kind: o.result === 'dropped' ? 'unknown' : o.kind, outcome: o.result }),
  });
  if (settings.bounceSmtpPort === null) return { bounces, intake: null };
  const tls = settings.tlsCert && settings.tlsKey ? { cert: readFileSync(settings.tlsCert), key: readFileSync(settings.tlsKey) } : null;
  const intake = new SmtpIntake(
    bounces,
    { host: settings.bounceSmtpHost, port: settings.bounceSmtpPort, maxBytes: settings.bounceMaxBytes, tls },
    d.logger.child({ component: 'bounces' }),
  );
  return { bounces, intake };
};
