import { assertMay, type Principal, scopeOf } from '../access/permissions.js';
import { targetAccount } from '../access/target-account.js';
import type { AccountPersister } from '../accounts/port.js';
import { CoreError } from '../errors.js';
import type { Page } from '../page.js';
import type { Suppression, SuppressionPersister } from './port.js';

/**
 * The suppression lists, for operators and accounts: reading needs `read`, lifting needs `send` (it
 * lets mail go to the address again). An account credential sees and lifts its own list only; the
 * operator names an account, or lifts from the list of mail of no account (sign-ups) by naming none.
 */
export class SuppressionService {
  constructor(
    private readonly store: SuppressionPersister,
    private readonly accounts: Pick<AccountPersister, 'getAccount' | 'findAccountByName'>,
  ) {}

  async list(actor: Principal, filter: { account?: string; address?: string; cursor?: string; limit: number }): Promise<Page<Suppression>> {
    assertMay(actor, 'read');
    const accountId = filter.account === undefined ? scopeOf(actor) : await targetAccount(this.accounts, actor, filter.account);
    return this.store.listSuppressions({
      accountId,
      address: filter.address?.trim().toLowerCase(),
      cursor: filter.cursor,
      limit: filter.limit,
    });
  }

  async lift(actor: Principal, input: { address: string; account?: string }): Promise<void> {
    assertMay(actor, 'send');
    const accountId = await targetAccount(this.accounts, actor, input.account);
    if (!(await this.store.liftSuppression(accountId, input.address.trim().toLowerCase()))) throw new CoreError('SUPPRESSION_NOT_FOUND');
  }
}
