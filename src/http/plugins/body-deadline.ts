import { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const TIMEOUT = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/**
 * A request must arrive whole within `ms`: a client that trickles its body (one byte now and then
 * keeps an idle timeout from ever firing) is answered 408 and disconnected. Node's own
 * `requestTimeout` does not cut a request whose headers have arrived, so the deadline is kept here.
 */
export const bodyDeadline = (ms: number) =>
  fp(async (app: FastifyInstance) => {
    app.server.headersTimeout = Math.min(app.server.headersTimeout, ms);
    app.addHook('onRequest', async (req) => {
      const raw = req.raw;
      // Only a network socket can trickle. An injected request (app.inject) has its whole body in memory and
      // never ends as a socket does: a timer for it was kept alive for the whole deadline, holding the request,
      // and then found no socket to end.
      if (raw.complete || !(raw.socket instanceof Socket)) return;
      const timer = setTimeout(() => {
        if (raw.complete || raw.socket.destroyed) return;
        raw.socket.end(TIMEOUT);
        raw.socket.destroySoon();
      }, ms);
      timer.unref();
      const clear = () => clearTimeout(timer);
      raw.once('end', clear);
      raw.once('close', clear);
    });
  });
