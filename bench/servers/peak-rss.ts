import { appendFileSync } from 'node:fs';

/**
 * The parent's control channel into a bench server: samples this process's RSS every 50 ms and
 * answers, over IPC, 'peak-rss' (the peak since the last 'reset-rss'), 'stats' (the work the server
 * has done so far: rows queued, emails sent), 'cpu' (CPU time used so far) and 'gc' (memory after a
 * forced GC, for the soak). BENCH_MEMLOG=FILE appends the process's memory to FILE every second.
 */
export const reportPeakRss = (work: () => number | Promise<number> = () => 0): void => {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  timer.unref();
  const log = process.env.BENCH_MEMLOG;
  if (log) {
    const mb = (n: number) => Math.round(n / 1048576);
    setInterval(() => {
      const m = process.memoryUsage();
      appendFileSync(
        log,
        `${new Date().toISOString()} ${process.pid} rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)}\n`,
      );
    }, 1000).unref();
  }
  process.on('SIGTERM', () => process.exit(0));
  // The parent is gone (crashed or killed): nothing will ever stop this server otherwise.
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (msg) => {
    if (msg === 'peak-rss') process.send?.({ peakRss: Math.max(peak, process.memoryUsage.rss()) });
    if (msg === 'reset-rss') peak = process.memoryUsage.rss();
    if (msg === 'stats') process.send?.({ work: await work() });
    if (msg === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMs: (user + system) / 1000 });
    }
    if (msg === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.(process.memoryUsage());
    }
  });
};
