import type { AccountPersister } from '../accounts/port.js';
import { CoreError } from '../errors.js';
import type { Subject } from './model.js';

/** An order bought with a voucher may only be handled by an account allowed to use vouchers. */
export const assertMayHandle = async (order: Subject, accounts: Pick<AccountPersister, 'getAccount'>, field: string): Promise<void> => {
  if (order.attributes.voucher !== 'true') return;
  const account = order.accountId ? await accounts.getAccount(order.accountId) : null;
  if (account?.permissions.voucher !== true) throw new CoreError('FORBIDDEN', { field });
};
