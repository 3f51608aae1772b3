import { CoreError } from '../errors.js';
import type { Subject } from './model.js';

/** An order bought with a voucher may only be handled by an account allowed to use vouchers. */
export const assertMayHandle = (order: Subject, permissions: Record<string, boolean>, field: string): void => {
  if (order.attributes.voucher === 'true' && permissions.voucher !== true) throw new CoreError('FORBIDDEN', { field });
};
