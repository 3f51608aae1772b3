import type { AccountPersister } from '../accounts/port.js';
import { CoreError } from '../errors.js';
import type { Principal } from './permissions.js';

/**
 * The account a new record belongs to: an account's credential implies its own (naming another is
 * "not found", never "forbidden"); the operator names one by id or name, or none.
 */
export const targetAccount = async (
  accounts: Pick<AccountPersister, 'getAccount' | 'findAccountByName'>,
  actor: Principal,
  ref: string | undefined,
): Promise<string | null> => {
  if (ref === undefined) return actor.kind === 'account' ? actor.accountId : null;
  const account = (await accounts.getAccount(ref)) ?? (await accounts.findAccountByName(ref));
  if (!account || (actor.kind === 'account' && account.id !== actor.accountId)) throw new CoreError('ACCOUNT_NOT_FOUND');
  return account.id;
};
