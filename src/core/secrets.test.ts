import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords.js';
import { constantTimeEqual, deriveServerKeys, keyedHash, randomToken, seal, unseal } from './secrets.js';

describe('secrets', () => {
  const keys = deriveServerKeys('a-secret-key-of-at-least-32-characters!');

  it('derives one distinct key per use', () => {
    expect(new Set([keys.tokenHash, keys.credentialHash, keys.seal].map((k) => k.toString('hex'))).size).toBe(3);
  });

  it('tokens carry 256 random bits, URL-safe', () => {
    const t = randomToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(t);
  });

  it('seals with AES-256-GCM: round-trips, and tampering is detected', () => {
    const sealed = seal(keys.seal, 'value');
    expect(sealed).not.toContain('value');
    expect(unseal(keys.seal, sealed)).toBe('value');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => unseal(keys.seal, parts.join('.'))).toThrow();
    expect(() => unseal(deriveServerKeys('another-secret-key-of-32-characters-x').seal, sealed)).toThrow();
  });

  it('keyed hashes depend on the key; comparison is exact', () => {
    expect(keyedHash(keys.tokenHash, 'x')).not.toBe(keyedHash(keys.credentialHash, 'x'));
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });

  it('passwords: scrypt with a salt, verified exactly', async () => {
    const h = await hashPassword('Correct-Horse-9');
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await hashPassword('Correct-Horse-9')).not.toBe(h);
    expect(await verifyPassword('Correct-Horse-9', h)).toBe(true);
    expect(await verifyPassword('correct-horse-9', h)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});
