import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { SMTPServer } from 'smtp-server';
import { OPERATOR } from '../../core/access/permissions.js';
import type { BounceService } from '../../core/suppressions/bounces.js';

export interface SmtpIntakeOptions {
  host: string;
  port: number;
  maxBytes: number;
  tls?: { cert: Buffer; key: Buffer } | null;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * The inbound SMTP listener for bounces: it takes mail only for VERP return paths of this instance
 * (anything else is refused at RCPT), reads at most `maxBytes` of it (more is refused with 552, the
 * rest discarded unread), and hands it to the bounce service, which keeps nothing it cannot use.
 */
export class SmtpIntake {
  private server: SMTPServer | null = null;

  constructor(
    private readonly bounces: BounceService,
    private readonly options: SmtpIntakeOptions,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<number> {
    const { maxBytes, tls } = this.options;
    // Loaded here, not at start: most nodes take no bounces by SMTP, and the module costs memory.
    const { SMTPServer } = await import('smtp-server');
    this.server = new SMTPServer({
      banner: 'Reverify bounce intake',
      disableReverseLookup: true,
      authOptional: true,
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...(tls ? { cert: tls.cert, key: tls.key } : {}),
      size: maxBytes,
      maxClients: 20,
      socketTimeout: 30_000,
      closeTimeout: 5_000,
      logger: false,
      onRcptTo: (address, session, callback) => {
        if (session.envelope.rcptTo.length >= 10) return callback(smtpError(452, 'Too many recipients'));
        if (this.bounces.verpId(address.address) === null) return callback(smtpError(550, 'No such user here'));
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
        });
        stream.on('error', (err) => callback(err));
        stream.on('end', () => {
          if (size > maxBytes || (stream as { sizeExceeded?: boolean }).sizeExceeded)
            return callback(smtpError(552, `Message larger than ${maxBytes} bytes`));
          const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
          this.bounces
            .receive(OPERATOR, Buffer.concat(chunks), envelopeTo)
            .then((outcome) => {
              this.logger.info({ outcome }, 'inbound bounce');
              callback();
            })
            .catch((err: unknown) => {
              this.logger.error({ err }, 'inbound bounce failed');
              callback(smtpError(451, 'Try again later'));
            });
        });
      },
    });
    this.server.on('error', (err) => this.logger.warn({ err }, 'bounce intake connection error'));
    this.server.listen(this.options.port, this.options.host);
    await once(this.server.server, 'listening');
    return (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
