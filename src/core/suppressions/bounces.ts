import { assertAdmin, type Principal } from '../access/permissions.js';
import type { Clock } from '../clock.js';
import type { MessageReads } from '../messages/port.js';
import type { Message } from '../model.js';
import { announceMessage } from '../webhooks/events.js';
import { bounceKind, type DsnReader } from './dsn.js';
import type { BounceRecord, HardBounceEffects, SuppressionPersister } from './port.js';

export interface BounceDeps {
  messages: Pick<MessageReads, 'getMessage'>;
  suppressions: SuppressionPersister;
  readDsn: DsnReader;
  clock: Clock;
  newId: () => string;
  /** The VERP domain (`bounce+<message id>@` it); null when VERP is off. */
  bounceDomain: string | null;
  onAnnounced?: () => void;
  /** Told what became of each report, for metrics. */
  onOutcome?: (outcome: BounceOutcome) => void;
}

export type BounceOutcome =
  | { result: 'bounced' | 'soft' | 'duplicate'; messageId: string; kind: 'hard' | 'soft' }
  | { result: 'dropped'; reason: string };

const DETAIL_CHARS = 300;
const printable = (s: string | null | undefined) =>
  s
    ? s
        .replace(/[\u0000-\u001f\u007f]+/g, ' ')
        .trim()
        .slice(0, DETAIL_CHARS)
    : null;
const bare = (address: string | null) =>
  (address ?? '')
    .replace(/^rfc822;\s*/i, '')
    .replace(/^<|>$/g, '')
    .trim()
    .toLowerCase();
const bareId = (id: string | null) => (id ?? '').trim().replace(/^<|>$/g, '');
/** Messages a bounce can be about: an attempt was made. */
const attempted = new Set<Message['status']>(['sent', 'sending', 'deferred', 'failed', 'bounced']);
const dropped = (reason: string): BounceOutcome => ({ result: 'dropped', reason });

/**
 * Bounces: delivery status notifications for our own messages, by SMTP or posted by a provider. A
 * report counts only if it names one of our emails (by its VERP return path, or the returned headers)
 * and that email's recipient, and its returned Message-ID (if any) is that email's. A hard bounce marks
 * the message bounced, suppresses the address for the message's account and announces `message.bounced`;
 * a soft one is recorded only. Anything else is dropped unstored.
 */
export class BounceService {
  constructor(private readonly deps: BounceDeps) {}

  /** The message id a VERP address names, or null. */
  verpId(address: string): string | null {
    const m = /^bounce\+([A-Za-z0-9-]{1,64})@([^@]+)$/i.exec(address.trim());
    if (!m || this.deps.bounceDomain === null || m[2]?.toLowerCase() !== this.deps.bounceDomain) return null;
    return m[1] ?? null;
  }

  /** A raw DSN; `envelopeTo`: the SMTP recipients it arrived for. Bad input is dropped, never thrown. */
  async receive(actor: Principal, raw: Buffer, envelopeTo: string[] = []): Promise<BounceOutcome> {
    assertAdmin(actor);
    return this.tell(await this.receiveOnce(raw, envelopeTo));
  }

  /** One bounce as a provider reports it (JSON): the message by id or return path, and its recipient. */
  async report(
    actor: Principal,
    input: { messageId?: string; returnPath?: string; recipient: string; kind: 'hard' | 'soft'; status?: string; diagnostic?: string },
  ): Promise<BounceOutcome> {
    assertAdmin(actor);
    const id = input.messageId ?? (input.returnPath ? this.verpId(input.returnPath) : null);
    const m = id ? await this.deps.messages.getMessage(id) : null;
    if (m?.channel !== 'email') return this.tell(dropped('names none of our messages'));
    if (bare(input.recipient) !== m.recipient.toLowerCase()) return this.tell(dropped("not the message's recipient"));
    return this.tell(await this.record(m, input.kind, input.status ?? null, input.diagnostic ?? null));
  }

  private async receiveOnce(raw: Buffer, envelopeTo: string[]): Promise<BounceOutcome> {
    const report = await this.deps.readDsn(raw).catch(() => null);
    if (!report) return dropped('not a delivery status notification');
    const id = [...envelopeTo, ...report.to].map((a) => this.verpId(a)).find((x) => x !== null) ?? report.returned.reverifyId;
    const m = id ? await this.deps.messages.getMessage(id) : null;
    if (m?.channel !== 'email') return dropped('names none of our messages');
    if (report.returned.reverifyId && report.returned.reverifyId !== m.id) return dropped('returned headers of another message');
    if (report.returned.messageId && bareId(report.returned.messageId) !== bareId(m.messageId))
      return dropped('returned headers of another message');
    const mine = report.recipients.find((r) => bare(r.finalRecipient ?? r.originalRecipient) === m.recipient.toLowerCase());
    if (!mine) return dropped("not the message's recipient");
    const kind = bounceKind(mine);
    if (!kind) return dropped('not a failure');
    return this.record(m, kind, mine.status, mine.diagnostic);
  }

  private async record(m: Message, kind: 'hard' | 'soft', status: string | null, diagnostic: string | null): Promise<BounceOutcome> {
    if (!attempted.has(m.status)) return dropped('the message was never sent');
    const now = this.deps.clock.now();
    const bounce: BounceRecord = { messageId: m.id, kind, status: printable(status), diagnostic: printable(diagnostic), receivedAt: now };
    const detail = [bounce.status, bounce.diagnostic].filter(Boolean).join(' ') || null;
    const hard: HardBounceEffects | null =
      kind === 'hard'
        ? {
            suppression: {
              id: this.deps.newId(),
              accountId: m.accountId,
              address: m.recipient.toLowerCase(),
              reason: 'hard_bounce',
              messageId: m.id,
              detail,
              createdAt: now,
            },
            events: [
              {
                id: this.deps.newId(),
                at: now,
                type: 'message.bounced',
                accountId: m.accountId,
                verificationId: m.verificationId,
                subjectId: null,
                detail: { message: m.id, status: bounce.status },
              },
            ],
            announce: [
              announceMessage(this.deps.newId(), 'message.bounced', m, now, { status: bounce.status, diagnostic: bounce.diagnostic }),
            ],
          }
        : null;
    const recorded = await this.deps.suppressions.recordBounce(bounce, hard);
    if (recorded === 'limit') return dropped('enough bounces are kept for this message');
    if (recorded === 'duplicate') return { result: 'duplicate', messageId: m.id, kind };
    if (hard) this.deps.onAnnounced?.();
    return { result: kind === 'hard' ? 'bounced' : 'soft', messageId: m.id, kind };
  }

  private tell(outcome: BounceOutcome): BounceOutcome {
    this.deps.onOutcome?.(outcome);
    return outcome;
  }
}
