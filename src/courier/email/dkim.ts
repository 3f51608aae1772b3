import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { DkimKey } from '../transports/smtp.js';

const label = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const isDomain = (v: string) => v.split('.').length >= 2 && v.split('.').every((l) => label.test(l));
const isSelector = (v: string) => v.split('.').every((l) => label.test(l));

/** The DNS TXT record that publishes a DKIM public key (RFC 6376 3.6.1), in strings of at most 255 characters. */
export const dkimTxtRecord = (
  domain: string,
  selector: string,
  publicKeyPem: string,
): { name: string; strings: string[]; zoneLine: string } => {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  const value = `v=DKIM1; k=rsa; p=${der.toString('base64')}`;
  const strings = value.match(/.{1,255}/g) ?? [];
  const name = `${selector}._domainkey.${domain}`;
  return { name, strings, zoneLine: `${name}. IN TXT ${strings.map((s) => `"${s}"`).join(' ')}` };
};

/** A new 2048-bit RSA key pair for DKIM, the private key written owner-only (never over an existing file). */
export const generateDkimKey = (domain: string, selector: string, file: string): { file: string; publicKeyPem: string } => {
  if (!isDomain(domain)) throw new Error(`'${domain}' is not a domain name`);
  if (!isSelector(selector)) throw new Error(`'${selector}' is not a DKIM selector`);
  if (existsSync(file)) throw new Error(`${file} exists; choose another --out or remove it first`);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  writeFileSync(file, privateKey, { mode: 0o600, flag: 'wx' });
  return { file, publicKeyPem: publicKey };
};

/** DKIM from settings: all three or none; the key must be a readable private key. Errors name the setting. */
export const loadDkimKey = (s: { dkimDomain: string | null; dkimSelector: string | null; dkimKeyFile: string | null }): DkimKey | null => {
  const given = [s.dkimDomain, s.dkimSelector, s.dkimKeyFile].filter((v) => v !== null).length;
  if (given === 0) return null;
  if (given < 3)
    throw new Error('REVERIFY_DKIM_DOMAIN: REVERIFY_DKIM_DOMAIN, REVERIFY_DKIM_SELECTOR and REVERIFY_DKIM_KEY_FILE go together');
  if (!isDomain(s.dkimDomain as string)) throw new Error(`REVERIFY_DKIM_DOMAIN: '${s.dkimDomain}' is not a domain name`);
  let privateKey: string;
  try {
    privateKey = readFileSync(s.dkimKeyFile as string, 'utf8');
    createPrivateKey(privateKey);
  } catch (e) {
    throw new Error(`REVERIFY_DKIM_KEY_FILE: ${s.dkimKeyFile} is not a readable PEM private key (${(e as Error).message.split('\n')[0]})`);
  }
  return { domainName: s.dkimDomain as string, keySelector: s.dkimSelector as string, privateKey };
};
