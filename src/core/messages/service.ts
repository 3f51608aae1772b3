import { CoreError } from '../errors.js';
import type { DeliveryAttempt, Message } from '../model.js';
import type { CapturedMail, InboxStore, MessageFilter, Page, VerificationStore } from '../ports.js';
import type { AccountScope } from '../verification/service.js';

/** Read-only views of the outbox and the captured inbox, limited to the caller's account. */
export class MessageQueries {
  constructor(
    private readonly store: Pick<VerificationStore, 'listMessages' | 'getMessage' | 'attemptsOf'> & Pick<InboxStore, 'listInbox'>,
  ) {}

  list(scope: AccountScope, filter: Omit<MessageFilter, 'accountId'>): Promise<Page<Message>> {
    return this.store.listMessages({ ...filter, accountId: scope });
  }

  async get(id: string, scope: AccountScope): Promise<{ message: Message; attempts: DeliveryAttempt[] }> {
    const message = await this.store.getMessage(id);
    if (!message || (scope !== undefined && message.accountId !== scope)) throw new CoreError('MESSAGE_NOT_FOUND');
    return { message, attempts: await this.store.attemptsOf(id) };
  }

  inbox(scope: AccountScope, filter: { to?: string; cursor?: string; limit: number }): Promise<Page<CapturedMail>> {
    return this.store.listInbox({ ...filter, accountId: scope });
  }
}
