/** One recipient's part of a delivery status notification (RFC 3464). */
export interface DsnRecipient {
  finalRecipient: string | null;
  originalRecipient: string | null;
  /** failed, delayed, delivered, relayed or expanded. */
  action: string;
  status: string | null;
  diagnostic: string | null;
}

/** What a bounce message says, as far as Reverify needs it. */
export interface DsnReport {
  /** Addresses the report was sent to (its To header): the VERP return path names our message. */
  to: string[];
  recipients: DsnRecipient[];
  /** From the returned message's headers, when the report includes them. */
  returned: { messageId: string | null; reverifyId: string | null };
}

/** Reads raw inbound mail: a report, or null when it is not a delivery status notification. */
export type DsnReader = (raw: Buffer) => Promise<DsnReport | null>;

/** Hard: failed for good (5.x.x, or failed without a status); soft: failed for now or delayed; null: not a failure. */
export const bounceKind = (r: DsnRecipient): 'hard' | 'soft' | null => {
  const action = r.action.toLowerCase();
  if (action === 'delayed') return 'soft';
  if (action !== 'failed') return null;
  return r.status?.startsWith('4') ? 'soft' : 'hard';
};
