import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  type: string;
}

/** How the receiver answers the n-th request (1-based): a status, or never. */
export type WebhookResponder = (n: number, r: Received) => number | 'hang';

/** A real HTTP server on 127.0.0.1 that records the webhooks it is sent. */
export class WebhookReceiver extends EventEmitter {
  readonly received: Received[] = [];
  private server: Server | null = null;
  private port = 0;
  private readonly held: ServerResponse[] = [];

  constructor(private readonly responder: WebhookResponder = () => 200) {
    super();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let type = '';
        try {
          type = String(JSON.parse(body).type ?? '');
        } catch {}
        const r: Received = { headers: req.headers, body, type };
        this.received.push(r);
        const answer = this.responder(this.received.length, r);
        this.emit('request', r);
        if (answer === 'hang') {
          this.held.push(res);
          return;
        }
        res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer >= 300 ? `status ${answer}` : 'ok');
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** Resolves once `count` requests have arrived in all. */
  async waitFor(count: number, timeoutMs = 20_000): Promise<Received[]> {
    const deadline = AbortSignal.timeout(timeoutMs);
    while (this.received.length < count) {
      await once(this, 'request', { signal: deadline }).catch(() => {
        throw new Error(`receiver: expected ${count} requests, got ${this.received.length} (${this.types().join(', ')})`);
      });
    }
    return this.received.slice(0, count);
  }

  types(): string[] {
    return this.received.map((r) => r.type);
  }

  get holding(): number {
    return this.held.length;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const res of this.held.splice(0)) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
