import { once } from 'node:events';
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 that can stop answering without closing anything (a network partition, a
 * frozen server): in `blackhole` mode, connections are accepted and bytes are swallowed both ways.
 * Back in `pass` mode, the connections that lived through the black hole are cut (their streams are
 * no longer whole) and new ones are relayed as before.
 */
export class TcpFront {
  private server: Server | null = null;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; tainted: boolean }>();
  private mode: 'pass' | 'blackhole' = 'pass';
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<this> {
    this.server = createServer((client) => this.handle(client));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  private handle(client: Socket): void {
    const upstream = createConnection(this.target);
    const pair = { client, upstream, tainted: this.mode === 'blackhole' };
    this.pairs.add(pair);
    const cut = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('data', (chunk: Buffer) => {
      if (this.mode === 'pass' && !pair.tainted) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.mode === 'pass' && !pair.tainted) client.write(chunk);
    });
    for (const s of [client, upstream]) {
      s.on('error', cut);
      s.on('close', cut);
    }
  }

  blackhole(): void {
    this.mode = 'blackhole';
    for (const pair of this.pairs) pair.tainted = true;
  }

  pass(): void {
    this.mode = 'pass';
    for (const pair of [...this.pairs]) {
      if (!pair.tainted) continue;
      pair.client.destroy();
      pair.upstream.destroy();
      this.pairs.delete(pair);
    }
  }

  async stop(): Promise<void> {
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
