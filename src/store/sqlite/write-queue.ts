import type { Db } from './database.js';

interface Pending {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. Writes queued in one turn of the event loop (flushed by setImmediate, once the I/O
 * that queued them has been handled) share one IMMEDIATE transaction: the
 * cost of a commit (WAL frames for pages many writes touch) is paid once for the group. A write that
 * refuses cleanly (`isClean`: it threw before writing anything) fails alone; any other failure rolls
 * the group back and every write of it is run again in a transaction of its own, so one write's
 * failure never takes another's effects with it.
 */
export class WriteQueue {
  private queue: Pending[] = [];
  private scheduled = false;
  /** Transactions committed so far. */
  commits = 0;
  private milestone: { at: number; run: () => void } | null = null;

  constructor(
    private readonly db: Db,
    private readonly isClean: (error: unknown) => boolean,
  ) {}

  /** Runs `run` once, after `commits` transactions. */
  after(commits: number, run: () => void): void {
    this.milestone = { at: commits, run };
  }

  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves once every write queued so far is done (for closing). */
  async drain(): Promise<void> {
    await this.run(() => undefined).catch(() => undefined);
  }

  private flush(): void {
    this.scheduled = false;
    this.commits++;
    if (this.milestone && this.commits >= this.milestone.at) {
      const { run } = this.milestone;
      this.milestone = null;
      run();
    }
    const items = this.queue;
    this.queue = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db
        .transaction(() => {
          for (const item of items) {
            try {
              outcomes.push({ ok: true, value: item.fn() });
            } catch (error) {
              if (!this.isClean(error)) throw error;
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
    } catch {
      for (const item of items) {
        try {
          item.resolve(this.db.transaction(item.fn).immediate());
        } catch (error) {
          item.reject(error);
        }
      }
      return;
    }
    items.forEach((item, i) => {
      const o = outcomes[i];
      if (o?.ok) item.resolve(o.value);
      else item.reject(o?.error);
    });
  }
}
