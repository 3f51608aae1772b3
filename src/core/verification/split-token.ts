import type { TokenRecord } from '../model.js';
import { equalDigests, keyedHash, randomToken, type ServerKeys } from '../secrets.js';

/**
 * Split tokens: the token a link carries is its record's id (22 characters, the UUID's 16 bytes in
 * base64url) followed by a 256-bit secret. The record is found by its id, an index that only ever
 * grows at its end, and the secret is checked against its keyed hash in constant time. (A lookup by
 * a hash of the whole token inserted every new token at a random place in a unique index: a page
 * written per token.)
 */
const SELECTOR = 22;
const SECRET_BYTES = 32;

const idToSelector = (id: string): string => Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64url');

const selectorToId = (selector: string): string | null => {
  const hex = Buffer.from(selector, 'base64url').toString('hex');
  if (hex.length !== 32) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** A new token for the record `id`: the value the link carries and the verifier to store. */
export const issueSplitToken = (keys: ServerKeys, id: string): { value: string; verifier: string } => {
  const secret = randomToken(SECRET_BYTES);
  return { value: idToSelector(id) + secret, verifier: keyedHash(keys.tokenHash, secret) };
};

/** The record id and secret of a split token, or null for anything else (an older token). */
export const splitToken = (token: string): { id: string; secret: string } | null => {
  if (token.length !== SELECTOR + 43 || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const id = selectorToId(token.slice(0, SELECTOR));
  return id ? { id, secret: token.slice(SELECTOR) } : null;
};

/** Whether a presented secret is the one this record was issued with (constant time). */
export const verifierMatches = (keys: ServerKeys, record: TokenRecord | null, secret: string): boolean => {
  const presented = keyedHash(keys.tokenHash, secret);
  return equalDigests(record?.verifier ?? '', presented) && record?.verifier != null;
};
