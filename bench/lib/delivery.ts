import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServerChild } from './child.js';
import type { BenchConfig } from './config.js';
import { type BenchCase, notRun } from './http-case.js';
import { median } from './load.js';
import { otherCpu } from './machine.js';

/** Messages a second in each measured chunk of arrivals, after the warm-up chunk. */
export const chunkRates = (arrivals: number[], warmup: number, chunk: number, chunks: number): number[] =>
  Array.from({ length: chunks }, (_, k) => {
    const first = warmup + k * chunk;
    // A chunk's time runs from the arrival before its first message (or its first, if none came before).
    const from = first > 0 ? first - 1 : 0;
    const to = first + chunk - 1;
    const ms = (arrivals[to] ?? Number.NaN) - (arrivals[from] ?? Number.NaN);
    return Math.round(((to - from) / (ms / 1000)) * 10) / 10;
  });

/**
 * Delivery into a real SMTP server (its own process): the outbox is filled first (Reverify: one
 * verification created per message, by a process of its own that then stops), then the sender
 * starts and the sink's arrival times are cut into a warm-up chunk and `repetitions` measured chunks.
 */
export const deliveryCase = (id: string, name: string, sender: 'reverify' | 'nodemailer'): BenchCase => ({
  id,
  name,
  group: 'delivery',
  async run(cfg: BenchConfig) {
    const total = cfg.deliveryWarmup + cfg.repetitions * cfg.deliveryChunk;
    const dir = mkdtempSync(join(tmpdir(), 'reverify-bench-delivery-'));
    const sink = await ServerChild.start('smtp-sink.ts', {}, cfg.startTimeoutMs);
    let from: ServerChild | null = null;
    try {
      const smtpUrl = `smtp://127.0.0.1:${sink.ready.port}`;
      if (sender === 'reverify') {
        // One process fills the outbox and stops; another delivers: its peak RSS is delivery's alone.
        // Every message goes to one domain, as through a relay: its limit per destination is the node's
        // concurrency, so Reverify may use every connection of its pool as nodemailer does.
        const env = { BENCH_DATA_DIR: dir, REVERIFY_SMTP_URL: smtpUrl, REVERIFY_COURIER_PER_DESTINATION: '8' };
        const fill = await ServerChild.start(
          'reverify-server.ts',
          { ...env, BENCH_SCENARIO: 'fill', BENCH_SEED: String(total) },
          cfg.startTimeoutMs,
        );
        await fill.stop();
        from = await ServerChild.start('reverify-server.ts', { ...env, BENCH_SCENARIO: 'delivery' }, cfg.startTimeoutMs);
      } else {
        from = await ServerChild.start(
          'nodemailer-direct.ts',
          { BENCH_SMTP_URL: smtpUrl, BENCH_MESSAGES: String(total) },
          cfg.startTimeoutMs,
        );
      }
      from.resetRss();
      const otherCpuPct = await otherCpu([from, sink]);
      from.send(sender === 'reverify' ? 'start-courier' : 'send');
      const deadline = Date.now() + (cfg.quick ? 60_000 : 600_000);
      for (let arrived = await sink.work(); arrived < total; arrived = await sink.work()) {
        if (Date.now() > deadline) return notRun('failed', `${arrived} of ${total} messages arrived in time`, 'msg/s');
        await sleep(100);
      }
      const other_cpu_pct = await otherCpuPct();
      const arrivals = await sink.ask<number[]>('arrivals', 'arrivals');
      const rates = chunkRates(arrivals, cfg.deliveryWarmup, cfg.deliveryChunk, cfg.repetitions);
      return {
        status: 'ok',
        unit: 'msg/s',
        rps: median(rates),
        p50_ms: null,
        p99_ms: null,
        rss_mb: await from.peakRssMb(),
        repetitions: rates.map((rps) => ({ rps })),
        messages: total,
        sink_rss_mb: await sink.peakRssMb(),
        other_cpu_pct,
      };
    } finally {
      await from?.stop();
      await sink.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
