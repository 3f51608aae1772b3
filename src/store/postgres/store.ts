import type { Store } from '../store.js';
import { PgAccounts } from './accounts.js';
import { PgAudit } from './audit.js';
import { PgConnection, type PgOptions } from './connection.js';
import { isMigrated, migrate } from './database.js';
import { PgDcv } from './dcv.js';
import { PgInbox } from './inbox.js';
import { PgMessages } from './messages.js';
import { PgNonces } from './nonces.js';
import { PgOutbox } from './outbox.js';
import { PgQuotas } from './quotas.js';
import { PgRequests } from './requests.js';
import { PgSettings } from './settings.js';
import { PgSubjects } from './subjects.js';
import { PgSuppressions } from './suppressions.js';
import { PgTransactor } from './transactor.js';
import { PgVerifications } from './verifications.js';
import { PgWebhooks } from './webhooks.js';

/** The PostgreSQL adapter: one object per domain over one pool. Any number of nodes may share the database. */
export const postgresStore = (c: PgConnection): Store => ({
  transactor: new PgTransactor(c),
  verifications: new PgVerifications(c),
  subjects: new PgSubjects(c),
  messages: new PgMessages(c),
  outbox: new PgOutbox(c),
  accounts: new PgAccounts(c),
  settings: new PgSettings(c),
  quotas: new PgQuotas(c),
  nonces: new PgNonces(c),
  requests: new PgRequests(c),
  dcv: new PgDcv(c),
  audit: new PgAudit(c),
  inbox: new PgInbox(c),
  webhooks: new PgWebhooks(c),
  suppressions: new PgSuppressions(c),
  health: {
    async ready() {
      try {
        return await isMigrated(c);
      } catch {
        return false;
      }
    },
    close: () => c.close(),
  },
});

export const openPostgresStore = (options: PgOptions): { store: Store; migrate(): Promise<number[]> } => {
  const c = new PgConnection(options);
  return { store: postgresStore(c), migrate: () => migrate(c) };
};
