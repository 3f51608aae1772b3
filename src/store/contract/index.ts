import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../store.js';
import { accountContract } from './accounts.js';
import { batchContract } from './batches.js';
import { childrenContract } from './children.js';
import { consoleContract } from './console.js';
import { outboxContract } from './outbox.js';
import { quotaContract } from './quotas.js';
import { raceContract } from './races.js';
import { readsContract } from './reads.js';
import { recordsContract } from './records.js';
import { suppressionContract } from './suppressions.js';
import { webhookContract } from './webhooks.js';

/** Two adapter instances over one database (two connections, two pools), as two nodes would have. */
export interface ContractTarget {
  a: Store;
  b: Store;
  cleanup(): Promise<void>;
}

export type Target = () => ContractTarget;

/** The behaviour every store adapter must have: run unchanged against SQLite and PostgreSQL. */
export const storeContract = (name: string, open: () => Promise<ContractTarget>) =>
  describe(`store contract: ${name}`, () => {
    let target: ContractTarget;
    beforeEach(async () => {
      target = await open();
    });
    afterEach(async () => target.cleanup());
    const current: Target = () => target;
    batchContract(current);
    readsContract(current);
    childrenContract(current);
    quotaContract(current);
    outboxContract(current);
    accountContract(current);
    recordsContract(current);
    webhookContract(current);
    suppressionContract(current);
    raceContract(current);
    consoleContract(current);
  });
