import { assertMay, type Principal, scopeOf } from '../access/permissions.js';
import { CoreError } from '../errors.js';
import type { CapturedInbox, CapturedMail } from '../inbox/service.js';
import type { DeliveryAttempt, Message } from '../model.js';
import type { Page } from '../page.js';
import type { BounceRecord, SuppressionPersister } from '../suppressions/port.js';
import type { MessageFilter, MessageReads } from './port.js';

/** Read-only views of the outbox and the captured inbox, limited to the caller's account. */
export class MessageQueries {
  constructor(
    private readonly messages: MessageReads,
    private readonly inboxMail: CapturedInbox,
    private readonly bounces: Pick<SuppressionPersister, 'bouncesOf'>,
  ) {}

  async list(actor: Principal, filter: MessageFilter): Promise<Page<Message>> {
    assertMay(actor, 'read');
    return this.messages.listMessages({ ...filter, accountId: scopeOf(actor) ?? filter.accountId });
  }

  async get(actor: Principal, id: string): Promise<{ message: Message; attempts: DeliveryAttempt[]; bounces: BounceRecord[] }> {
    assertMay(actor, 'read');
    const scope = scopeOf(actor);
    const message = await this.messages.getMessage(id);
    if (!message || (scope !== undefined && message.accountId !== scope)) throw new CoreError('MESSAGE_NOT_FOUND');
    return { message, attempts: await this.messages.attemptsOf(id), bounces: await this.bounces.bouncesOf(id) };
  }

  /** Captured mail holds live links: only credentials that may read mail see it. */
  async inbox(actor: Principal, filter: { to?: string; cursor?: string; limit: number }): Promise<Page<CapturedMail>> {
    assertMay(actor, 'read_mail');
    return this.inboxMail.list({ ...filter, accountId: scopeOf(actor) });
  }

  async captured(actor: Principal, id: string): Promise<CapturedMail> {
    assertMay(actor, 'read_mail');
    const scope = scopeOf(actor);
    const mail = await this.inboxMail.get(id);
    if (!mail || (scope !== undefined && mail.accountId !== scope)) throw new CoreError('MESSAGE_NOT_FOUND');
    return mail;
  }
}
