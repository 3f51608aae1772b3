import type { Statement } from 'better-sqlite3';
import { Unavailable } from '../../core/unavailable.js';
import type { Db } from './database.js';

interface Pending {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** How long a group waits, without blocking, for another connection's write lock before waiting the blocking way. */
const NON_BLOCKING_WAIT_MS = 5_000;
/** Retries on the next turn of the event loop before retrying on a 1 ms timer. */
const IMMEDIATE_RETRIES = 8;

/** SQLITE_BUSY and its extended codes (better-sqlite3 reports those): BUSY_SNAPSHOT, BUSY_RECOVERY, BUSY_TIMEOUT. */
const isBusy = (error: unknown): boolean => String((error as { code?: unknown } | null)?.code).startsWith('SQLITE_BUSY');

/** Nothing was written: the same writes may succeed later, which each dialect says in its own words. */
const refusalOf = (error: unknown): unknown =>
  isBusy(error) ? new Unavailable('database busy: another connection kept the write lock', { cause: error }) : error;

/**
 * Group commit. Writes queued in one turn of the event loop (flushed by setImmediate, once the I/O
 * that queued them has been handled) share one IMMEDIATE transaction: the
 * cost of a commit (WAL frames for pages many writes touch) is paid once for the group. A write that
 * refuses cleanly (`isClean`: it threw before writing anything) fails alone; any other failure rolls
 * the group back and every write of it is run again in a transaction of its own, so one write's
 * failure never takes another's effects with it.
 *
 * While another connection holds the write lock (the checkpointer's RESTART, another process), the
 * group waits on the event loop rather than in SQLite's busy handler, which sleeps the whole thread
 * (1 ms and up per try): requests keep being read and answered meanwhile, and join the group.
 */
export class WriteQueue {
  private queue: Pending[] = [];
  private scheduled = false;
  /** Transactions committed so far. */
  commits = 0;
  /** Groups that found the write lock taken at least once (waited for it on the event loop). */
  lockWaits = 0;
  private milestone: { at: number; run: () => void } | null = null;
  private waitingSince: number | null = null;
  private retries = 0;
  private readonly sql: { begin: Statement; commit: Statement; rollback: Statement };
  /** The connection's busy timeout, set back after each attempt that does without it. */
  private readonly busyTimeoutMs: number;

  constructor(
    private readonly db: Db,
    private readonly isClean: (error: unknown) => boolean,
    private readonly nonBlockingWaitMs = NON_BLOCKING_WAIT_MS,
  ) {
    this.busyTimeoutMs = Number(db.pragma('busy_timeout', { simple: true }));
    this.sql = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
    };
  }

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

  /** Takes the write lock if it is free now; otherwise schedules the flush again and says false. */
  private begin(): boolean {
    if (this.waitingSince !== null && Date.now() - this.waitingSince >= this.nonBlockingWaitMs) {
      // Waited long enough on the event loop: the busy handler's timeout decides, as for any other write.
      this.sql.begin.run();
      return true;
    }
    // A busy timeout takes effect when its PRAGMA is prepared, so a prepared one cannot be run again to set it.
    this.db.pragma('busy_timeout = 0');
    try {
      this.sql.begin.run();
      return true;
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (this.waitingSince === null) {
        this.waitingSince = Date.now();
        this.lockWaits++;
      }
      this.scheduled = true;
      if (this.retries++ < IMMEDIATE_RETRIES) setImmediate(() => this.flush());
      else setTimeout(() => this.flush(), 1);
      return false;
    } finally {
      this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
    }
  }

  /** Rolls back an open transaction; returns what the rollback threw, if it did. */
  private rollback(): unknown {
    if (!this.db.inTransaction) return undefined;
    try {
      this.sql.rollback.run();
      return undefined;
    } catch (error) {
      return error;
    }
  }

  private flush(): void {
    this.scheduled = false;
    const items = this.queue;
    let begun: boolean;
    try {
      begun = this.begin();
    } catch (error) {
      this.waitingSince = null;
      this.retries = 0;
      this.queue = [];
      // BEGIN may have succeeded before restoring the busy timeout failed: never leave the lock taken.
      const failure = this.rollback() ?? error;
      for (const item of items) item.reject(refusalOf(failure));
      return;
    }
    if (!begun) return;
    this.waitingSince = null;
    this.retries = 0;
    this.queue = [];
    this.commits++;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      for (const item of items) {
        try {
          outcomes.push({ ok: true, value: item.fn() });
        } catch (error) {
          if (!this.isClean(error)) throw error;
          outcomes.push({ ok: false, error });
        }
      }
      this.sql.commit.run();
    } catch {
      const failure = this.rollback();
      for (const item of items) {
        if (failure !== undefined) {
          item.reject(failure);
          continue;
        }
        try {
          item.resolve(this.db.transaction(item.fn).immediate());
        } catch (error) {
          item.reject(refusalOf(error));
        }
      }
      return;
    }
    items.forEach((item, i) => {
      const o = outcomes[i];
      if (o?.ok) item.resolve(o.value);
      else item.reject(o?.error);
    });
    if (this.milestone && this.commits >= this.milestone.at) {
      const { run } = this.milestone;
      this.milestone = null;
      run();
    }
  }
}
