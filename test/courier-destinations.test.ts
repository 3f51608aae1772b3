import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './helpers/eventually.js';
import { startService, type TestService } from './helpers/service.js';
import { SmtpSink } from './helpers/smtp-sink.js';

/** A TCP server that accepts connections and never says a word: an SMTP server that never answers. */
const startSilentServer = async () => {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `smtp://127.0.0.1:${(server.address() as { port: number }).port}`,
    sockets,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

describe('per-destination limits', () => {
  let svc: TestService;
  let sink: SmtpSink;
  let silent: Awaited<ReturnType<typeof startSilentServer>>;

  afterEach(async () => {
    // The silent server first: its connections end, so the sends held on it end and shutdown drains.
    await silent?.stop();
    await svc?.close();
    await sink?.stop();
  });

  it('one SMTP server that never answers and one healthy: every message for the healthy one is delivered while the other hangs', async () => {
    sink = await new SmtpSink().start();
    silent = await startSilentServer();
    svc = await startService({
      smtpUrl: sink.url,
      smtpRoutes: [`hang.example=${silent.url}`],
      courierConcurrency: 4,
      courierPerDestination: 2,
    });
    const ids: Record<string, string[]> = { hang: [], fine: [] };
    // The hanging destination's mail is queued first: it is the oldest due, and still cannot hold every worker.
    for (const [domain, n] of [
      ['hang', 5],
      ['fine', 8],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const created = await svc.call('POST', '/v1/verifications', {
          recipient: `user${i}@${domain}.example`,
          purpose: 'email_ownership',
        });
        expect(created.status).toBe(201);
        ids[domain]?.push(created.json.id);
      }
    }
    const delivered = await sink.waitForMails(8);
    expect(new Set(delivered.flatMap((m) => m.to))).toEqual(new Set(Array.from({ length: 8 }, (_, i) => `user${i}@fine.example`)));
    await eventually(
      async () => (await svc.call('GET', '/v1/messages?status=sent')).json.items.length,
      (n) => n === 8,
    );
    // Meanwhile the silent server holds the hanging destination's sends: at most its share of the workers.
    const hanging = await svc.call('GET', '/v1/messages?status=sending');
    expect(hanging.json.items.map((m: { recipient: string }) => m.recipient.split('@')[1])).toEqual(['hang.example', 'hang.example']);
    expect(silent.sockets.size).toBeGreaterThan(0);
    const queued = await svc.call('GET', '/v1/messages?status=queued');
    expect(queued.json.items).toHaveLength(3);
    expect(queued.json.items.every((m: { recipient: string }) => m.recipient.endsWith('@hang.example'))).toBe(true);
    // Per channel: deliveries by result, how long each took, and how long the waiting mail has waited.
    const metrics = await svc.metrics();
    expect(metrics).toMatch(/reverify_deliveries_total\{channel="email",result="sent"\} 8/);
    expect(metrics).toMatch(/reverify_delivery_duration_seconds_count\{channel="email"\} 8/);
    const age = Number(/reverify_queue_age_seconds\{channel="email"\} ([\d.e-]+)/.exec(metrics)?.[1]);
    expect(age).toBeGreaterThan(0);
    expect(metrics).toMatch(/reverify_queue_age_seconds\{channel="webhook"\} 0/);
  });
});
