import type { EventFilter } from '../core/audit/port.js';
import type { MessageFilter } from '../core/messages/port.js';
import type { SubjectFilter, SubjectPageFilter } from '../core/subjects/port.js';
import type { SuppressionFilter } from '../core/suppressions/port.js';
import type { VerificationFilter } from '../core/verification/port.js';
import { decodeCursor } from './rows.js';
import { Where } from './sql-where.js';

/** The WHERE clauses of the listings, one per filter: both adapters write SQL with `?` placeholders. */

export const verificationsWhere = (f: VerificationFilter): Where => {
  const where = new Where()
    .add('account_id = ?', f.accountId)
    .add('recipient = ?', f.recipient)
    .add('purpose = ?', f.purpose)
    .add('subject_id = ?', f.subjectId)
    .add('created_at < ?', f.createdBefore)
    .add('id < ?', decodeCursor(f.cursor));
  if (f.subjectKind === 'none') where.add('subject_id IS NULL');
  else where.add('subject_id IN (SELECT id FROM subjects WHERE kind = ?)', f.subjectKind);
  if (f.state === 'expired') where.add("(state = 'expired' OR (state = 'pending' AND expires_at <= ?))", f.now);
  else if (f.state === 'pending') where.add("state = 'pending' AND expires_at > ?", f.now);
  else where.add('state = ?', f.state);
  return where;
};

export const messagesWhere = (f: MessageFilter): Where =>
  new Where()
    .add('account_id = ?', f.accountId)
    .add('verification_id = ?', f.verificationId)
    .add('status = ?', f.status)
    .add('channel = ?', f.channel)
    .add('recipient = ?', f.recipient)
    .add('id < ?', decodeCursor(f.cursor));

export const subjectsWhere = (f: SubjectFilter): Where =>
  new Where().in('kind', f.kinds).add('account_id = ?', f.accountId).add('state = ?', f.state).add('id < ?', decodeCursor(f.cursor));

export const subjectPageWhere = (f: SubjectPageFilter): Where =>
  new Where()
    .add('account_id = ?', f.accountId)
    .in('kind', f.kinds)
    .add('number = ?', f.number)
    .add('created_at >= ?', f.createdFrom)
    .add('created_at <= ?', f.createdTo)
    .in('state', f.states?.length ? f.states : undefined);

export const eventsWhere = (f: EventFilter): Where =>
  new Where()
    .add('verification_id = ?', f.verificationId)
    .add('subject_id = ?', f.subjectId)
    .add('account_id = ?', f.accountId)
    .add('at >= ?', f.since)
    .in('type', f.types?.length ? f.types : undefined);

/** A suppression list: one account's (null: mail with no account, kept under ''), or every list when `accountId` is absent. */
export const suppressionsWhere = (f: SuppressionFilter): Where =>
  new Where()
    .add('account_key = ?', f.accountId === undefined ? undefined : (f.accountId ?? ''))
    .add('address = ?', f.address)
    .add('id < ?', decodeCursor(f.cursor));
