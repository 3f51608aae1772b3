import { createHash, createHmac } from 'node:crypto';
import { percentEncode } from './signature.js';

/** The one V3 algorithm accepted (the official SDKs' default). */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

export interface Acs3Authorization {
  algorithm: string;
  accessKeyId: string;
  /** Lower-case header names, in the order the client listed them. */
  signedHeaders: string[];
  signature: string;
}

/** The parts a V3 signature covers, as they arrived. */
export interface Acs3Request {
  method: string;
  /** The path as sent (`/` for RPC), before any decoding. */
  path: string;
  /** Query parameters, decoded. */
  query: [string, string][];
  headers: Record<string, string | string[] | undefined>;
  signedHeaders: string[];
  /** Hex SHA-256 of the body exactly as received. */
  payloadHash: string;
}

const authorizationPattern = /^(ACS3-[A-Z0-9-]+) Credential=([^,\s]+),SignedHeaders=([^,\s]*),Signature=([0-9a-fA-F]+)$/;

/** `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=a;b,Signature=<hex>`, or null when it is not that shape. */
export const parseAcs3Authorization = (value: string): Acs3Authorization | null => {
  const m = authorizationPattern.exec(value.trim());
  if (!m) return null;
  const [, algorithm = '', accessKeyId = '', signed = '', signature = ''] = m;
  const signedHeaders = signed.split(';').filter(Boolean);
  if (signedHeaders.some((h) => h !== h.toLowerCase())) return null;
  return { algorithm, accessKeyId, signedHeaders, signature: signature.toLowerCase() };
};

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Each `/`-separated segment percent-encoded as RFC 3986 wants it (the path arrives encoded: decode first). */
const canonicalUri = (path: string): string =>
  path
    .split('/')
    .map((segment) => {
      try {
        return percentEncode(decodeURIComponent(segment));
      } catch {
        return segment;
      }
    })
    .join('/');

const canonicalQuery = (query: [string, string][]): string =>
  query
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');

const headerValue = (value: string | string[] | undefined): string =>
  (Array.isArray(value) ? [...value].map((v) => v.trim()).sort() : [value ?? '']).map((v) => v.trim()).join(',');

/**
 * CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n
 * SignedHeaders \n HashedRequestPayload, with `name:trimmed value\n` for each signed header.
 */
export const canonicalRequest = (r: Acs3Request): string =>
  [
    r.method.toUpperCase(),
    canonicalUri(r.path),
    canonicalQuery(r.query),
    r.signedHeaders.map((name) => `${name}:${headerValue(r.headers[name])}\n`).join(''),
    r.signedHeaders.join(';'),
    r.payloadHash,
  ].join('\n');

/** StringToSign = algorithm \n hex(SHA-256(CanonicalRequest)). */
export const acs3StringToSign = (r: Acs3Request): string => `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest(r))}`;

/** Signature = hex(HMAC-SHA256(secret, StringToSign)). */
export const signAcs3 = (stringToSign: string, secret: string): string =>
  createHmac('sha256', secret).update(stringToSign, 'utf8').digest('hex');
