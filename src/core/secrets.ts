import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { pooledRandomBytes } from './random-pool.js';

/** Keys derived from the server secret, one per use, so that no key serves two purposes. */
export interface ServerKeys {
  tokenHash: Buffer;
  credentialHash: Buffer;
  seal: Buffer;
  /** Only for the key's fingerprint, so that storing it reveals nothing usable. */
  fingerprint: Buffer;
}

const derive = (secret: string, info: string): Buffer =>
  Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), `reverify:${info}`, 32));

export const deriveServerKeys = (secret: string): ServerKeys => ({
  tokenHash: derive(secret, 'token-hash'),
  credentialHash: derive(secret, 'credential-hash'),
  seal: derive(secret, 'seal'),
  fingerprint: derive(secret, 'fingerprint'),
});

/** A fresh URL-safe random value of `bytes` bytes (default 256 bits). */
export const randomToken = (bytes = 32): string => pooledRandomBytes(bytes).toString('base64url');

export const keyedHash = (key: Buffer, value: string): string => createHmac('sha256', key).update(value, 'utf8').digest('hex');

/** Compares two hex digests of the same algorithm in constant time (no extra hashing needed). */
export const equalDigests = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
};

export const constantTimeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  // Compare equal-length digests so that the length of `a` leaks nothing either.
  return timingSafeEqual(keyedDigest(x), keyedDigest(y)) && x.length === y.length;
};

const compareKey = randomBytes(32);
const keyedDigest = (b: Buffer) => createHmac('sha256', compareKey).update(b).digest();

/** AES-256-GCM; output `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export const seal = (key: Buffer, plaintext: string): string => {
  const iv = pooledRandomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
};

export const unseal = (key: Buffer, sealed: string): string => {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unknown sealed format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
};
