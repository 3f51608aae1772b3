import type { Purpose, Verification } from '../model.js';
import type { Subject, SubjectKind } from './model.js';

export interface PlannedVerification {
  recipient: string;
  purpose: Purpose;
  scope: string[];
}

/** The lifecycle rules of one kind of subject. */
export interface SubjectKindRules {
  states: readonly string[];
  /** The state in which the subject waits on its recipients: verifications are sent in it. */
  waitingState: string;
  purpose: Purpose;
  plan(subject: Subject): PlannedVerification[];
  /** The state the subject moves to once these verifications are confirmed, or null to stay. */
  afterConfirm(subject: Subject, verifications: Verification[]): string | null;
}

const everyConfirmed = (vs: Verification[]) => vs.length > 0 && vs.every((v) => v.state === 'confirmed');

const smime: SubjectKindRules = {
  states: ['awaiting_agreement', 'pending_actions', 'being_issued', 'issued', 'collected', 'revoked', 'rejected', 'expired'],
  waitingState: 'issued',
  purpose: 'smime_mailbox',
  plan: (s) => s.emails.map((e) => ({ recipient: e, purpose: 'smime_mailbox', scope: [e] })),
  afterConfirm: (_s, vs) => (everyConfirmed(vs.filter((v) => v.state !== 'cancelled')) ? 'collected' : null),
};

const ssl: SubjectKindRules = {
  states: ['awaiting_dcv', 'validated', 'issued', 'revoked', 'rejected'],
  waitingState: 'awaiting_dcv',
  purpose: 'dcv',
  plan: (s) => (s.dcvEmail ? [{ recipient: s.dcvEmail, purpose: 'dcv', scope: [...s.domains] }] : []),
  afterConfirm: (s, vs) => {
    const proven = new Set(vs.filter((v) => v.state === 'confirmed').flatMap((v) => v.scope));
    return s.domains.every((d) => proven.has(d)) ? 'validated' : null;
  },
};

const identity: SubjectKindRules = {
  states: ['pending', 'verified', 'deleted'],
  waitingState: 'pending',
  purpose: 'email_ownership',
  plan: (s) => s.emails.map((e) => ({ recipient: e, purpose: 'email_ownership', scope: [e] })),
  afterConfirm: (_s, vs) => (vs.some((v) => v.state === 'confirmed') ? 'verified' : null),
};

const signup: SubjectKindRules = {
  states: ['pending_activation', 'activated'],
  waitingState: 'pending_activation',
  purpose: 'account_activation',
  plan: (s) => s.emails.map((e) => ({ recipient: e, purpose: 'account_activation', scope: [e] })),
  afterConfirm: (_s, vs) => (vs.some((v) => v.state === 'confirmed') ? 'activated' : null),
};

export const subjectRules: Record<SubjectKind, SubjectKindRules> = {
  smime_order: smime,
  ssl_order: ssl,
  email_identity: identity,
  signup,
};
