import type { Purpose, Verification } from '../model.js';
import type { SubjectReads } from '../subjects/port.js';
import type { VerificationService } from './service.js';

/** What a confirm page says it confirms: the address, and for orders the order and its names. */
export interface ConfirmationPreview {
  recipient: string;
  purpose: Purpose;
  locale: string;
  /** DCV: the names approving proves control of. */
  domains: string[];
  /** The order the request belongs to (SSL and S/MIME orders). */
  orderNumber: string | null;
  expiresAt: number;
}

export const previewOf = (v: Verification, orderNumber: string | null): ConfirmationPreview => ({
  recipient: v.recipient,
  purpose: v.purpose,
  locale: v.locale,
  domains: v.purpose === 'dcv' ? v.scope : [],
  orderNumber,
  expiresAt: v.expiresAt,
});

/** The confirm page's view of a token: read only, so opening a link (or a scanner fetching it) changes nothing. */
export class ConfirmationPreviews {
  constructor(
    private readonly verifications: Pick<VerificationService, 'inspect' | 'confirm'>,
    private readonly subjects: Pick<SubjectReads, 'getSubject'>,
  ) {}

  private async orderNumber(v: Verification): Promise<string | null> {
    const subject = v.subjectId ? await this.subjects.getSubject(v.subjectId) : null;
    return subject && (subject.kind === 'ssl_order' || subject.kind === 'smime_order') ? subject.number : null;
  }

  async preview(token: string): Promise<ConfirmationPreview> {
    const v = await this.verifications.inspect(token);
    return previewOf(v, await this.orderNumber(v));
  }

  /** Confirms (the page's POST) and says what was confirmed. */
  async confirm(token: string, ip: string | null): Promise<ConfirmationPreview> {
    const v = await this.verifications.confirm(token, ip);
    return previewOf(v, await this.orderNumber(v));
  }
}
