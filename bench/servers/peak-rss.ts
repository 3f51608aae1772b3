/** Samples this process's RSS and reports the peak to the parent on request. */
export const reportPeakRss = (): void => {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  timer.unref();
  process.on('SIGTERM', () => process.exit(0));
  process.on('message', (msg) => {
    if (msg === 'peak-rss') process.send?.({ peakRss: Math.max(peak, process.memoryUsage.rss()) });
    if (msg === 'reset-rss') peak = process.memoryUsage.rss();
    if (msg === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.(process.memoryUsage());
    }
  });
};
