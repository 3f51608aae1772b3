export const subjectKinds = ['smime_order', 'ssl_order', 'email_identity', 'signup'] as const;
export type SubjectKind = (typeof subjectKinds)[number];

/** What is being verified: an order, an email identity or a user sign-up. */
export interface Subject {
  id: string;
  accountId: string | null;
  kind: SubjectKind;
  /** The vendor's number (orderNumber / order_id), unique per account and kind. */
  number: string | null;
  baseNumber: string | null;
  state: string;
  /** S/MIME mailboxes, or the one address of an identity or sign-up. */
  emails: string[];
  /** SSL order names. */
  domains: string[];
  /** SSL order: the address DCV mail goes to. */
  dcvEmail: string | null;
  attributes: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  version: number;
}
