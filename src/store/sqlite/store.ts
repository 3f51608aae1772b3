import type { Store } from '../store.js';
import { SqliteAccounts } from './accounts.js';
import { SqliteAudit } from './audit.js';
import { BackgroundCheckpointer } from './checkpointer.js';
import { SqliteConnection } from './connection.js';
import { type Db, type Durability, isMigrated, migrate, openDatabase } from './database.js';
import { SqliteDcv } from './dcv.js';
import { SqliteInbox } from './inbox.js';
import { SqliteMessages } from './messages.js';
import { SqliteNonces } from './nonces.js';
import { SqliteOutbox } from './outbox.js';
import { SqliteQuotas } from './quotas.js';
import { SqliteRequests } from './requests.js';
import { SqliteSettings } from './settings.js';
import { SqliteSubjects } from './subjects.js';
import { SqliteSuppressions } from './suppressions.js';
import { SqliteTransactor } from './transactor.js';
import { SqliteVerifications } from './verifications.js';
import { SqliteWebhooks } from './webhooks.js';

/** Commits after which a store is busy enough to have the WAL copied back by a thread of its own. */
const CHECKPOINTER_AFTER_COMMITS = 50;

/** The SQLite adapter: one object per domain over one connection and its group-commit queue. */
export const sqliteStore = (db: Db, file = ':memory:'): Store => {
  const c = new SqliteConnection(db, file);
  const checkpointer = new BackgroundCheckpointer(db, file);
  // Started after 500 commits, it let each process's first 500 run SQLite's own checkpoints inside
  // them: COMMIT cost 41 µs a resend against 21 over 60 k resends of a freshly opened store (measured).
  c.writes.after(CHECKPOINTER_AFTER_COMMITS, () => checkpointer.start());
  return {
    transactor: new SqliteTransactor(c),
    verifications: new SqliteVerifications(c),
    subjects: new SqliteSubjects(c),
    messages: new SqliteMessages(c),
    outbox: new SqliteOutbox(c),
    accounts: new SqliteAccounts(c),
    settings: new SqliteSettings(c),
    quotas: new SqliteQuotas(c),
    nonces: new SqliteNonces(c),
    requests: new SqliteRequests(c),
    dcv: new SqliteDcv(c),
    audit: new SqliteAudit(c),
    inbox: new SqliteInbox(c),
    webhooks: new SqliteWebhooks(c),
    suppressions: new SqliteSuppressions(c),
    health: {
      // A file's only: an in-memory database has no WAL, and no metric of a thread it never has.
      ...(file === ':memory:' ? {} : { walCheckpointer: () => checkpointer.state() }),
      async ready() {
        try {
          return isMigrated(db);
        } catch {
          return false;
        }
      },
      async close() {
        await c.writes.drain();
        await c.close();
        await checkpointer.stop();
        db.close();
      },
    },
  };
};

export const openSqliteStore = (file: string, durability: Durability = 'normal'): { store: Store; migrate(): Promise<number[]> } => {
  const db = openDatabase(file, durability);
  return { store: sqliteStore(db, file), migrate: async () => migrate(db) };
};
