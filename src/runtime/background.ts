import type { Logger } from 'pino';

/**
 * Work started after a response was sent (so its duration cannot show in the response). Failures are
 * logged; `settled()` waits for everything started so far, for shutdown and for tests.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(work: () => Promise<void>): void {
    const task: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((err) => this.logger.error({ err }, 'background work failed'))
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
