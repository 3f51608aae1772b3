import { once } from 'node:events';
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP front on 127.0.0.1 for an SMTP server that drops connections: the n-th connection (1-based)
 * is cut when `drop(n)` says so, at the client's first MAIL FROM (a send in flight fails before its
 * content is accepted, so no copy reaches the server). Every connection is also cut at the MAIL FROM
 * after `messagesPerConnection` messages, so pooled clients keep opening new connections for the
 * drops to hit.
 */
export class FlakyFront {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  connections = 0;
  dropped = 0;
  port = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly drop: (n: number) => boolean,
    private readonly messagesPerConnection = 10,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((client) => this.handle(client));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private handle(client: Socket): void {
    const n = ++this.connections;
    const doomed = this.drop(n);
    const upstream = createConnection(this.target);
    this.sockets.add(client);
    this.sockets.add(upstream);
    let messages = 0;
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (/^MAIL FROM:/im.test(chunk.toString('latin1'))) {
        messages++;
        if ((doomed && messages === 1) || messages > this.messagesPerConnection) {
          if (doomed) this.dropped++;
          return cut();
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    for (const s of [client, upstream]) {
      s.on('error', cut);
      s.on('close', () => {
        this.sockets.delete(s);
        cut();
      });
    }
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
