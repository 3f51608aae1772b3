import { assertMay, type Principal, scopeOf } from '../access/permissions.js';
import type { Clock } from '../clock.js';
import { CoreError } from '../errors.js';
import type { Message } from '../model.js';
import { assertPending } from '../verification/lifecycle.js';
import type { VerificationReads } from '../verification/port.js';
import type { MessageReads, MessageRequeue } from './port.js';

/**
 * Sends a failed message again (the console's Retry): the same message, Message-ID and link, queued
 * at once. It charges no quota: the recipient never received it. Only while its verification still
 * waits; the courier would suppress it otherwise.
 */
export class MessageRetries {
  constructor(
    private readonly deps: {
      messages: Pick<MessageReads, 'getMessage'> & MessageRequeue;
      verifications: Pick<VerificationReads, 'getVerification'>;
      clock: Clock;
      newId: () => string;
    },
  ) {}

  async retry(actor: Principal, id: string): Promise<Message> {
    assertMay(actor, 'send');
    const scope = scopeOf(actor);
    const message = await this.deps.messages.getMessage(id);
    if (!message || (scope !== undefined && message.accountId !== scope)) throw new CoreError('MESSAGE_NOT_FOUND');
    const now = this.deps.clock.now();
    const verification = await this.deps.verifications.getVerification(message.verificationId);
    if (!verification) throw new CoreError('VERIFICATION_NOT_FOUND');
    assertPending(verification, now);
    const requeued = await this.deps.messages.requeueFailed(id, now, {
      id: this.deps.newId(),
      at: now,
      type: 'message.requeued',
      accountId: verification.accountId,
      verificationId: verification.id,
      subjectId: verification.subjectId,
      detail: { messageId: id, attempts: message.attempts },
    });
    if (!requeued) throw new CoreError('VALIDATION_FAILED', { field: 'status' }, 'Only a failed message can be retried.');
    return { ...message, status: 'queued', abandoned: false, nextAttemptAt: now };
  }
}
