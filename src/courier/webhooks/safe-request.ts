import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { type AddressPolicy, isIpLiteral, mayConnect } from '../../core/webhooks/address-policy.js';
import { DeliveryError } from '../channel.js';

/** Bytes of a response body read at most: enough for an excerpt, never the whole of a large answer. */
const READ_AT_MOST = 1024;
/** Characters of the body kept with the attempt. */
const EXCERPT_CHARS = 200;

export interface PostResult {
  status: number;
  excerpt: string;
}

const refused = (what: string) =>
  new DeliveryError(`${what}: a private, loopback or link-local address, which webhooks may not reach`, true);

/**
 * Resolves the name and keeps only addresses the policy allows, so the connection goes to an address
 * that was checked (not to whatever a second resolution of the name might say).
 */
const guardedLookup =
  (policy: AddressPolicy): LookupFunction =>
  (hostname, options, callback) => {
    dnsLookup(hostname, { family: options.family, hints: options.hints, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const allowed = addresses.filter((a) => mayConnect(a.address, policy));
      if (allowed.length === 0)
        return callback(refused(`${hostname} resolves only to addresses such as ${addresses[0]?.address ?? '?'}`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: typeof allowed) => void)(null, allowed);
      const first = allowed[0] as (typeof allowed)[number];
      callback(null, first.address, first.family);
    });
  };

const printable = (s: string) =>
  s
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, EXCERPT_CHARS);

/**
 * POSTs a body to a webhook URL: only to allowed addresses (checked on the address connected to),
 * no redirect followed, the whole exchange bounded by `timeoutMs`, and only the start of the answer read.
 */
export const postWebhook = (
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  options: { policy: AddressPolicy; timeoutMs: number },
): Promise<PostResult> => {
  const url = new URL(rawUrl);
  const plain = url.protocol === 'http:';
  if (!plain && url.protocol !== 'https:') return Promise.reject(new DeliveryError(`unsupported scheme ${url.protocol}`, true));
  if (isIpLiteral(url.hostname) && !mayConnect(url.hostname, options.policy)) return Promise.reject(refused(url.hostname));
  if (plain && !(options.policy.sandbox && isIpLiteral(url.hostname)))
    return Promise.reject(new DeliveryError('plain http:// is allowed only to loopback in the sandbox', true));
  return new Promise<PostResult>((resolve, reject) => {
    const request = (plain ? http : https).request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(options.policy),
        signal: AbortSignal.timeout(options.timeoutMs),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, excerpt: printable(Buffer.concat(chunks).toString('utf8')) });
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= READ_AT_MOST) finish();
        });
        res.on('end', finish);
        res.on('error', finish);
      },
    );
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof DeliveryError) return reject(err);
      if (err.name === 'AbortError' || err.name === 'TimeoutError')
        return reject(new DeliveryError(`no answer within ${options.timeoutMs} ms`, false));
      reject(new DeliveryError(`${err.code ?? 'ERROR'}: ${err.message}`, false));
    });
    request.end(body);
  });
};
