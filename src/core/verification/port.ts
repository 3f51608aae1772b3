import type { Purpose, TokenRecord, Verification, VerificationState } from '../model.js';
import type { Page } from '../page.js';
import type { SubjectKind } from '../subjects/model.js';

export interface VerificationFilter {
  accountId?: string;
  state?: VerificationState;
  recipient?: string;
  purpose?: Purpose;
  subjectId?: string;
  /** Only those of a subject of this kind, or (`none`) of no subject: where they came from (the console's dialect filter). */
  subjectKind?: SubjectKind | 'none';
  /** Only those created before this time (bulk resend's `--older-than`). */
  createdBefore?: number;
  cursor?: string;
  limit: number;
  /** The time that decides which pending verifications count as expired. */
  now: number;
}

/** What the verification lifecycle reads. Writes go through the `Transactor`. Reads see committed data only. */
export interface VerificationReads {
  getVerification(id: string): Promise<Verification | null>;
  /** A verification with the token its next send carries, in one read (the resend path). */
  getVerificationWithToken(id: string): Promise<{ verification: Verification; token: TokenRecord | null } | null>;
  listVerifications(filter: VerificationFilter): Promise<Page<Verification>>;
  verificationsOfSubject(subjectId: string): Promise<Verification[]>;
  /** Pending verifications whose expiry has passed, oldest first. */
  listExpiring(now: number, limit: number): Promise<Verification[]>;
  findTokenByHash(hash: string): Promise<TokenRecord | null>;
  getToken(id: string): Promise<TokenRecord | null>;
  tokensOf(verificationId: string): Promise<TokenRecord[]>;
}
