import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { MessageReads } from '../core/messages/port.js';
import type { StoreHealth } from '../store/store.js';

/** One registry per runtime, so that several apps in one process (tests) never share counters. */
export const createMetrics = (
  messages: Pick<MessageReads, 'queueDepth' | 'queueAge'>,
  now: () => number = Date.now,
  health: Pick<StoreHealth, 'walCheckpointer'> = {},
) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'reverify_' });
  const metrics = {
    registry,
    requests: new Counter({
      name: 'reverify_http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'reverify_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['route'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    messages: new Counter({
      name: 'reverify_messages_total',
      help: 'Emails by delivery result (queued, sent, deferred, failed, abandoned, suppressed)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'reverify_deliveries_total',
      help: 'Delivery attempts by channel (email, webhook) and result (sent, deferred, failed, abandoned, suppressed)',
      labelNames: ['channel', 'result'] as const,
      registers: [registry],
    }),
    deliveryLatency: new Histogram({
      name: 'reverify_delivery_duration_seconds',
      help: 'How long one delivery attempt took, by channel (rendering, connecting and the other side answering)',
      labelNames: ['channel'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    webhookFailures: new Counter({
      name: 'reverify_webhook_endpoint_failures_total',
      help: 'Webhook delivery attempts that failed, by endpoint id',
      labelNames: ['endpoint'] as const,
      registers: [registry],
    }),
    bounces: new Counter({
      name: 'reverify_bounces_total',
      help: 'Delivery status notifications received, by kind (hard, soft) and what became of them (recorded, dropped)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    hashGateRefusals: new Counter({
      name: 'reverify_password_hash_refusals_total',
      help: 'Logins answered at once because the slow password hashes in flight were at their bound, per client or in all',
      labelNames: ['bound'] as const,
      registers: [registry],
    }),
    quotaRefusals: new Counter({
      name: 'reverify_quota_refusals_total',
      help: 'Sends refused by a quota, by rule',
      labelNames: ['rule'] as const,
      registers: [registry],
    }),
  };
  new Gauge({
    name: 'reverify_queue_depth',
    help: 'Outbox messages by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      for (const [status, n] of Object.entries(await messages.queueDepth())) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'reverify_queue_age_seconds',
    help: 'By channel: how long the longest-waiting due message has waited to be sent',
    labelNames: ['channel'] as const,
    registers: [registry],
    async collect() {
      for (const [channel, ms] of Object.entries(await messages.queueAge(now()))) this.set({ channel }, ms / 1000);
    },
  });
  const checkpointer = health.walCheckpointer;
  if (checkpointer)
    new Gauge({
      name: 'reverify_sqlite_wal_checkpointer_up',
      help: 'SQLite: 0 once the thread that copies the WAL back has died (commits then do it themselves, on the event loop), else 1',
      registers: [registry],
      collect() {
        this.set(checkpointer() === 'died' ? 0 : 1);
      },
    });
  return metrics;
};

export type Metrics = ReturnType<typeof createMetrics>;
