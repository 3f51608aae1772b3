import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SinkMail {
  /** The envelope: RCPT TO and MAIL FROM (the return path). */
  to: string[];
  mailFrom: string;
  /** The envelope sender (MAIL FROM), as `mailFrom`. */
  from: string;
  /** The message as it arrived, for signature checks. */
  raw: Buffer;
  messageId: string;
  subject: string;
  text: string;
  html: string;
  parsed: ParsedMail;
}

/** How the sink answers the n-th DATA (1-based) carrying `mail`: accept, refuse with a code, or hold the reply until released. */
export type Responder = (n: number, mail: SinkMail) => 'accept' | 'hold' | { code: number; message: string };

/** A real SMTP server on 127.0.0.1 that records what it accepts. */
export class SmtpSink extends EventEmitter {
  readonly mails: SinkMail[] = [];
  dataCount = 0;
  private server: SMTPServer | null = null;
  private held: (() => void)[] = [];
  port = 0;

  constructor(private responder: Responder = () => 'accept') {
    super();
  }

  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  async start(port = 0): Promise<this> {
    this.server = new SMTPServer({
      disableReverseLookup: true,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const n = ++this.dataCount;
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        const raw = new Promise<Buffer>((resolve, reject) => {
          stream.on('end', () => resolve(Buffer.concat(chunks)));
          // A client that vanishes mid-DATA (killed) ends the stream with an error: refuse that mail.
          stream.on('error', reject);
        });
        raw
          .then(async (bytes) => ({ bytes, parsed: await simpleParser(bytes) }))
          .then(({ bytes, parsed }) => {
            const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
            const mail: SinkMail = {
              to: session.envelope.rcptTo.map((r) => r.address),
              mailFrom,
              from: mailFrom,
              raw: bytes,
              messageId: parsed.messageId ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              parsed,
            };
            const verdict = this.responder(n, mail);
            if (verdict === 'accept' || verdict === 'hold') {
              this.mails.push(mail);
              this.emit('mail', mail);
            }
            if (verdict === 'accept') return callback();
            if (verdict === 'hold') {
              this.held.push(() => callback());
              return this.emit('held', mail);
            }
            const err = Object.assign(new Error(verdict.message), { responseCode: verdict.code });
            this.emit('refused', verdict.code);
            callback(err);
          })
          .catch(callback);
      },
    });
    // A client killed mid-session (the crash tests) resets its connection: expected, never a test failure.
    this.server.on('error', (err) => this.emit('connection-error', err));
    this.server.listen(port, '127.0.0.1');
    await once(this.server.server, 'listening');
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Resolves once `count` mails have been accepted in all. */
  async waitForMails(count: number, timeoutMs = 20_000): Promise<SinkMail[]> {
    const deadline = AbortSignal.timeout(timeoutMs);
    while (this.mails.length < count) {
      await once(this, 'mail', { signal: deadline }).catch(() => {
        throw new Error(`sink: expected ${count} mails, got ${this.mails.length} within ${timeoutMs} ms`);
      });
    }
    return this.mails.slice(0, count);
  }

  /** Answers every held DATA with 250 now. */
  releaseHeld(): void {
    for (const answer of this.held.splice(0)) answer();
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    // Held replies keep connections open: close them so shutdown does not wait for them.
    for (const c of (server as unknown as { connections?: Set<{ close(): void }> }).connections ?? []) c.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
