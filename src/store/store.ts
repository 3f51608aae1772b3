import type { AccountPersister } from '../core/accounts/port.js';
import type { AuditPersister } from '../core/audit/port.js';
import type { DcvPersister } from '../core/dcv/port.js';
import type { InboxPersister } from '../core/inbox/port.js';
import type { InstanceSettings } from '../core/instance/port.js';
import type { MessageReads, MessageRequeue } from '../core/messages/port.js';
import type { QuotaPersister } from '../core/quotas/port.js';
import type { NoncePersister, RequestQueue } from '../core/requests/port.js';
import type { SubjectReads } from '../core/subjects/port.js';
import type { SuppressionPersister } from '../core/suppressions/port.js';
import type { Transactor } from '../core/unit-of-work.js';
import type { VerificationReads } from '../core/verification/port.js';
import type { WebhookPersister } from '../core/webhooks/port.js';
import type { Outbox } from '../courier/outbox-port.js';

/** Readiness: the database answers and its schema is current. */
export interface StoreHealth {
  ready(): Promise<boolean>;
  close(): Promise<void>;
  /**
   * SQLite on a file: the thread that copies the WAL back. `died` (it ended without being stopped):
   * commits copy it back themselves again, on the event loop, and p99 rises with no other sign.
   */
  walCheckpointer?(): WalCheckpointerState;
}

export type WalCheckpointerState = 'idle' | 'running' | 'died';

/**
 * An adapter: one object per domain over one shared connection (or pool), each implementing the
 * port its domain declares. Every adapter passes the contract suite in ./contract/.
 */
export interface Store {
  transactor: Transactor;
  verifications: VerificationReads;
  subjects: SubjectReads;
  messages: MessageReads & MessageRequeue;
  outbox: Outbox;
  accounts: AccountPersister;
  settings: InstanceSettings;
  quotas: QuotaPersister;
  nonces: NoncePersister;
  requests: RequestQueue;
  dcv: DcvPersister;
  audit: AuditPersister;
  inbox: InboxPersister;
  webhooks: WebhookPersister;
  suppressions: SuppressionPersister;
  health: StoreHealth;
}
