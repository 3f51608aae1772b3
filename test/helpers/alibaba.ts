import { randomUUID } from 'node:crypto';
import { acs3StringToSign, sha256Hex, signAcs3 } from '../../src/dialects/alibaba/acs3.js';
import { signRpc } from '../../src/dialects/alibaba/signature.js';

export const ACCESS_KEY = { id: 'LTAI5tAcmeExample01', secret: 'acmeAccessSecret0123456789' };

/** A signed RPC request built by hand, for what the official client will not send (replays, old timestamps). */
export const signedRequest = (
  base: string,
  params: Record<string, string>,
  options: { method?: 'GET' | 'POST'; id?: string; secret?: string; timestamp?: string; nonce?: string } = {},
) => {
  const method = options.method ?? 'GET';
  const all: Record<string, string> = {
    Format: 'JSON',
    Version: '2018-01-29',
    AccessKeyId: options.id ?? ACCESS_KEY.id,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: options.nonce ?? randomUUID(),
    Timestamp: options.timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...params,
  };
  all.Signature = signRpc(method, all, options.secret ?? ACCESS_KEY.secret);
  const query = new URLSearchParams(all).toString();
  return method === 'GET'
    ? fetch(`${base}/?${query}`)
    : fetch(`${base}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: query });
};

/**
 * A V3 (ACS3-HMAC-SHA256) request built by hand, for what the official client will not send: a body
 * other than the one signed, an unsigned header, a chosen Format.
 */
export const acs3Request = async (
  base: string,
  action: string,
  params: Record<string, string>,
  options: { in?: 'query' | 'body'; extraHeaders?: Record<string, string>; sentBody?: string; secret?: string } = {},
) => {
  const url = new URL('/', base);
  const body = options.in === 'body' ? new URLSearchParams(params).toString() : '';
  if (options.in !== 'body') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const headers: Record<string, string> = {
    host: url.host,
    'x-acs-action': action,
    'x-acs-version': '2018-01-29',
    'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': randomUUID(),
    'x-acs-content-sha256': sha256Hex(body),
    ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
  };
  const signedHeaders = Object.keys(headers).sort();
  const signature = signAcs3(
    acs3StringToSign({ method: 'POST', path: '/', query: [...url.searchParams], headers, signedHeaders, payloadHash: sha256Hex(body) }),
    options.secret ?? ACCESS_KEY.secret,
  );
  const { host: _host, ...sent } = headers;
  return fetch(url, {
    method: 'POST',
    headers: {
      ...sent,
      ...options.extraHeaders,
      authorization: `ACS3-HMAC-SHA256 Credential=${ACCESS_KEY.id},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`,
    },
    body: options.sentBody ?? (body || undefined),
  });
};
