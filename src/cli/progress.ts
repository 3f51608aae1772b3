import cliProgress from 'cli-progress';
import type { BulkTotals } from '../core/verification/bulk-resend.js';

/** How a long run shows where it is: a bar on a terminal, plain lines otherwise (logs, CI, pipes). */
export interface Progress {
  update(done: number, totals: BulkTotals): void;
  stop(): void;
}

const refusedCount = (t: BulkTotals) => Object.values(t.refused).reduce((a, b) => a + b, 0);

const eta = (seconds: number) =>
  !Number.isFinite(seconds) ? '?' : seconds < 60 ? `${Math.ceil(seconds)}s` : `${Math.floor(seconds / 60)}m${Math.ceil(seconds % 60)}s`;

export const progressFor = (stream: NodeJS.WriteStream, total: number, now: () => number = Date.now): Progress => {
  const started = now();
  const rate = (done: number) => done / Math.max(0.001, (now() - started) / 1000);
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'resend |{bar}| {value}/{total} | {rate}/s | ETA {eta_formatted} | sent {sent}, refused {refused}, skipped {skipped}',
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: '0', sent: 0, refused: 0, skipped: 0 });
    return {
      update(done, t) {
        bar.update(done, { rate: rate(done).toFixed(1), sent: t.sent, refused: refusedCount(t), skipped: t.skipped });
      },
      stop() {
        bar.stop();
      },
    };
  }
  // A line every 5 % (and the last): enough to follow in a log without flooding it.
  const every = Math.max(1, Math.ceil(total / 20));
  let last = 0;
  return {
    update(done, t) {
      if (done - last < every && done !== total) return;
      last = done;
      const r = rate(done);
      stream.write(
        `resend: ${done}/${total} done, sent ${t.sent}, refused ${refusedCount(t)}, skipped ${t.skipped}, ${r.toFixed(1)}/s, ETA ${eta((total - done) / r)}\n`,
      );
    },
    stop() {},
  };
};
