import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postWebhook } from './safe-request.js';

const sandbox = { sandbox: true, allowedNetworks: [] };

describe('postWebhook', () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  it('reads only the start of a huge answer: a 200-character printable excerpt, the rest never read', async () => {
    let written = 0;
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(500, { 'content-type': 'text/plain' });
      const chunk = Buffer.from(`${'x'.repeat(60)}\r\n\u0007${'y'.repeat(60)}\t`.repeat(512));
      // Up to 50 MB, as fast as the receiver reads; stops when the other side closes.
      const pump = () => {
        while (written < 50 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => server.close());
    const { port } = server.address() as AddressInfo;
    const answer = await postWebhook(`http://127.0.0.1:${port}/hook`, '{}', {}, { policy: sandbox, timeoutMs: 5000 });
    expect(answer.status).toBe(500);
    expect(answer.excerpt).toHaveLength(200);
    expect(answer.excerpt).toMatch(/^x{60} y{60} x{60} y{17}$/);
    await new Promise((resolve) => server.close(resolve));
    // The receiver's writes stalled once the courier hung up after its first kilobyte.
    expect(written).toBeLessThan(50 * 1024 * 1024);
  });
});
