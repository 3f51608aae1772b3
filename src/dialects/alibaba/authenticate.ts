import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Admission } from '../../core/requests/replay-guard.js';
import { ACS3_ALGORITHM, acs3StringToSign, parseAcs3Authorization, sha256Hex, signAcs3 } from './acs3.js';
import type { RpcCall } from './call.js';
import { AlibabaError } from './errors.js';
import { signRpc, stringToSign } from './signature.js';

/** What authentication needs of the rest of the service. */
export interface AlibabaAuthDeps {
  clock: Clock;
  accessKeySecret(id: string): Promise<{ accountId: string; secret: string; active: boolean } | null>;
  admit(credential: string, nonce: string, limits: { nonceMemoryMs: number; perSecond: number }): Promise<Admission>;
}

export const TIMESTAMP_WINDOW_MS = 15 * 60_000;
/** A nonce is remembered for as long as a timestamp can be accepted on either side of now. */
const NONCE_MEMORY_MS = 2 * TIMESTAMP_WINDOW_MS;
/** Requests per second per access key before Throttling.User (chosen). */
const REQUESTS_PER_SECOND = 100;
const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
/** The headers a V3 request must carry and sign, besides any other `x-acs-*` and `content-type` it carries. */
const ACS3_REQUIRED = ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'];
const SERVER_STRING = ' server string to sign is:';

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const checkTimestamp = (value: string, now: number) => {
  const at = Date.parse(value);
  if (!timestampPattern.test(value) || Number.isNaN(at)) throw new AlibabaError('InvalidTimeStamp.Format');
  if (Math.abs(now - at) > TIMESTAMP_WINDOW_MS) throw new AlibabaError('InvalidTimeStamp.Expired');
};

const activeKey = async (deps: AlibabaAuthDeps, id: string) => {
  const key = await deps.accessKeySecret(id);
  if (!key) throw new AlibabaError('InvalidAccessKeyId.NotFound');
  if (!key.active) throw new AlibabaError('InvalidAccessKeyId.Inactive');
  return key;
};

/** Checked after the signature, so nobody can burn another client's nonces. */
const admitNonce = async (deps: AlibabaAuthDeps, accessKeyId: string, nonce: string) => {
  const admission = await deps.admit(`alibaba:${accessKeyId}`, nonce, { nonceMemoryMs: NONCE_MEMORY_MS, perSecond: REQUESTS_PER_SECOND });
  if (admission === 'replayed') throw new AlibabaError('SignatureNonceUsed');
  if (admission === 'throttled') throw new AlibabaError('Throttling.User');
};

/** Signature v1: HMAC-SHA1 over the sorted parameters (query and form). */
const authenticateV1 = async (deps: AlibabaAuthDeps, call: RpcCall): Promise<string> => {
  const p = call.params;
  for (const name of ['AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureNonce', 'SignatureVersion', 'Timestamp']) {
    if (!p[name]) throw new AlibabaError(`Missing${name}`);
  }
  if (p.SignatureMethod !== 'HMAC-SHA1') throw new AlibabaError('InvalidSignatureMethod');
  if (p.SignatureVersion !== '1.0') throw new AlibabaError('InvalidParameter.Format');
  checkTimestamp(p.Timestamp ?? '', deps.clock.now());
  const key = await activeKey(deps, p.AccessKeyId ?? '');
  const method = call.request.method;
  if (!sameText(signRpc(method, p, key.secret), p.Signature ?? ''))
    throw new AlibabaError('SignatureDoesNotMatch', SERVER_STRING + stringToSign(method, p));
  await admitNonce(deps, p.AccessKeyId ?? '', p.SignatureNonce ?? '');
  return key.accountId;
};

const headerText = (call: RpcCall, name: string): string => {
  const v = call.request.headers[name];
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).trim();
};

/** Signature V3: HMAC-SHA256 over the canonical request (method, path, query, signed headers, body hash). */
const authenticateAcs3 = async (deps: AlibabaAuthDeps, call: RpcCall): Promise<string> => {
  const auth = parseAcs3Authorization(headerText(call, 'authorization'));
  if (!auth) throw new AlibabaError('IncompleteSignature');
  if (auth.algorithm !== ACS3_ALGORITHM) throw new AlibabaError('InvalidSignatureMethod');
  const mustSign = [...ACS3_REQUIRED, ...Object.keys(call.request.headers).filter((h) => h.startsWith('x-acs-') || h === 'content-type')];
  if (mustSign.some((h) => !auth.signedHeaders.includes(h) || headerText(call, h) === '')) throw new AlibabaError('IncompleteSignature');
  checkTimestamp(headerText(call, 'x-acs-date'), deps.clock.now());
  const key = await activeKey(deps, auth.accessKeyId);
  const toSign = acs3StringToSign({
    method: call.request.method,
    path: call.request.url.split('?')[0] ?? '/',
    query: call.query,
    headers: call.request.headers,
    signedHeaders: auth.signedHeaders,
    payloadHash: sha256Hex(call.request.body),
  });
  if (!sameText(signAcs3(toSign, key.secret), auth.signature)) throw new AlibabaError('SignatureDoesNotMatch', SERVER_STRING + toSign);
  await admitNonce(deps, auth.accessKeyId, headerText(call, 'x-acs-signature-nonce'));
  return key.accountId;
};

/**
 * Authenticates a call signed either way, with the same rules: a timestamp within 15 minutes of the
 * server's clock, an active access key, the signature compared in constant time, then a nonce that
 * is refused for 30 minutes after first use and a per-key request rate. Returns the account's id.
 */
export const authenticate = (deps: AlibabaAuthDeps, call: RpcCall): Promise<string> =>
  call.style === 'acs3' ? authenticateAcs3(deps, call) : authenticateV1(deps, call);
