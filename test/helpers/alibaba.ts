import { randomUUID } from 'node:crypto';
import { signRpc } from '../../src/dialects/alibaba/signature.js';

export const ACCESS_KEY = { id: 'LTAI5tAcmeExample01', secret: 'acmeAccessSecret0123456789' };

/** A signed RPC request built by hand, for what the official client will not send (replays, old timestamps). */
export const signedRequest = (
  base: string,
  params: Record<string, string>,
  options: { method?: 'GET' | 'POST'; secret?: string; timestamp?: string; nonce?: string } = {},
) => {
  const method = options.method ?? 'GET';
  const all: Record<string, string> = {
    Format: 'JSON',
    Version: '2018-01-29',
    AccessKeyId: ACCESS_KEY.id,
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
