import type { ClaimedMessage } from '../courier/outbox-port.js';
import type { Row } from './rows.js';

/** What a claim reads besides the message (verification state, token, suppression), from a joined row or none. */
export const claimContext = (r: Row | undefined): Pick<ClaimedMessage, 'verificationState' | 'token' | 'recipientSuppressed'> => ({
  verificationState: r ? ((r.state ?? null) as ClaimedMessage['verificationState']) : null,
  token:
    r && r.expires_at !== null && r.expires_at !== undefined
      ? {
          sealed: r.sealed === null ? null : String(r.sealed),
          usedAt: r.used_at === null ? null : Number(r.used_at),
          expiresAt: Number(r.expires_at),
        }
      : null,
  recipientSuppressed: Boolean(r?.suppressed),
});
