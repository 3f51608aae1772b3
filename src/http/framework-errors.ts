import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { akanaFrameworkError } from '../dialects/akana/framework-error.js';
import { alibabaFrameworkError } from '../dialects/alibaba/framework-error.js';
import { digicertFrameworkError } from '../dialects/digicert/framework-error.js';
import type { FrameworkProblem, FrameworkRenderer, WireAnswer } from '../dialects/framework-problem.js';
import { pathOf } from '../dialects/framework-problem.js';
import { nativeFrameworkError } from '../dialects/native/framework-error.js';
import { sectigoFrameworkError } from '../dialects/sectigo/framework-error.js';

const under = (prefix: string) => (path: string) => path === prefix || path.startsWith(`${prefix}/`);

/** Which dialect a request target belongs to, by the prefix each is mounted at; the rest is native. */
const owners: [(path: string) => boolean, FrameworkRenderer][] = [
  [under('/products'), sectigoFrameworkError],
  [under('/services/v2'), digicertFrameworkError],
  [under('/api/users'), akanaFrameworkError],
  [(path) => path === '/', alibabaFrameworkError],
];

export const frameworkAnswer = (problem: FrameworkProblem): WireAnswer => {
  const path = pathOf(problem.url);
  const render = owners.find(([owns]) => owns(path))?.[1] ?? nativeFrameworkError;
  return render(problem);
};

const problemOf = (
  req: FastifyRequest | { method?: string; url?: string; headers?: FrameworkProblem['headers'] },
  kind: FrameworkProblem['kind'],
) => ({
  kind,
  method: req.method ?? 'GET',
  url: req.url ?? '',
  headers: req.headers ?? {},
});

const send = (reply: FastifyReply, answer: WireAnswer) => reply.code(answer.status).headers(answer.headers).send(answer.body);

/**
 * Fastify's `frameworkErrors`: an URL whose percent-encoding cannot be decoded (FST_ERR_BAD_URL) or
 * with a parameter over the length limit (FST_ERR_MAX_PARAM_LENGTH) is refused before routing; it
 * is answered by the dialect its path belongs to.
 */
export const onFrameworkError: NonNullable<FastifyServerOptions['frameworkErrors']> = (error, req, reply) =>
  send(reply, frameworkAnswer(problemOf(req, error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'url_too_long' : 'bad_url')));

/** The request line of a raw packet, when there is one: `METHOD /target HTTP/1.1`. */
const requestLine = (packet: unknown): { method?: string; url?: string } => {
  const text = Buffer.isBuffer(packet) ? packet.toString('latin1', 0, Math.min(packet.length, 8192)) : '';
  const m = /^([A-Z]{1,20}) (\S+) HTTP\/\d\.\d\r?\n/.exec(text);
  return m ? { method: m[1], url: m[2]?.startsWith('/') ? m[2] : '/' } : {};
};

/**
 * Node's `clientError` (a malformed request line or header, headers too large, a request timeout):
 * no Fastify request exists yet, so the dialect is found from the raw packet's request line.
 */
export function onClientError(this: FastifyInstance, err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const kind =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : 'bad_request';
  this.log.trace({ err }, `client error (${kind})`);
  if (socket.writable) {
    const answer = frameworkAnswer(problemOf(requestLine(err.rawPacket), kind));
    const body = Buffer.from(answer.body);
    const head = Object.entries({ ...answer.headers, 'content-length': String(body.length), connection: 'close' })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\n${head}\r\n`);
    socket.write(body);
  }
  socket.destroy(err);
}

/**
 * The root's own answers: no route (under a prefix whose dialect sets no not-found handler, or
 * outside every prefix), an error of a route outside every dialect, and requests that arrive while
 * the service drains for shutdown. Call before registering the dialects: the hook must cover them.
 */
export const registerFrameworkErrors = (app: FastifyInstance) => {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (req, reply) => {
    if (closing) return send(reply, frameworkAnswer(problemOf(req, 'unavailable')));
  });
  app.setNotFoundHandler((req, reply) => send(reply, frameworkAnswer(problemOf(req, 'not_found'))));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    const kind = status === 404 ? 'not_found' : status === 503 ? 'unavailable' : status < 500 ? 'bad_request' : 'internal';
    return send(reply, frameworkAnswer(problemOf(req, kind)));
  });
};
