import type { Principal } from '../access/permissions.js';
import type { AuditPersister } from '../audit/port.js';
import type { MessageReads } from '../messages/port.js';
import type { AuditEvent, DeliveryAttempt, Message, Verification } from '../model.js';
import type { Subject } from '../subjects/model.js';
import type { SubjectReads } from '../subjects/port.js';
import type { VerificationService } from './service.js';

/** One thing that happened to a verification: an audit event, or a send with its delivery attempts. */
export type TimelineEntry =
  | { kind: 'event'; at: number; event: AuditEvent }
  | { kind: 'send'; at: number; message: Message; attempts: DeliveryAttempt[] };

export interface Timeline {
  verification: Verification;
  subject: Subject | null;
  /** Oldest first. */
  entries: TimelineEntry[];
  /** More sends or events exist than are shown. */
  truncated: boolean;
}

const MAX_SENDS = 50;
const MAX_EVENTS = 200;

/** A verification's history, for people: the audit log and the outbox, merged in time order. */
export class VerificationTimelines {
  constructor(
    private readonly deps: {
      verifications: Pick<VerificationService, 'get'>;
      messages: Pick<MessageReads, 'listMessages' | 'attemptsOf'>;
      audit: Pick<AuditPersister, 'listEvents'>;
      subjects: Pick<SubjectReads, 'getSubject'>;
    },
  ) {}

  async timeline(actor: Principal, id: string): Promise<Timeline> {
    const verification = await this.deps.verifications.get(actor, id);
    const [sends, events, subject] = await Promise.all([
      this.deps.messages.listMessages({ verificationId: id, limit: MAX_SENDS }),
      this.deps.audit.listEvents({ verificationId: id, limit: MAX_EVENTS }),
      verification.subjectId ? this.deps.subjects.getSubject(verification.subjectId) : Promise.resolve(null),
    ]);
    const entries: TimelineEntry[] = [
      ...events.map((event) => ({ kind: 'event' as const, at: event.at, event })),
      ...(await Promise.all(
        sends.items.map(async (message) => ({
          kind: 'send' as const,
          at: message.createdAt,
          message,
          attempts: await this.deps.messages.attemptsOf(message.id),
        })),
      )),
    ];
    // Events first within one instant: "resent" reads before the send it queued.
    entries.sort((a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === 'event' ? -1 : 1));
    return { verification, subject, entries, truncated: sends.nextCursor !== null || events.length === MAX_EVENTS };
  }
}
