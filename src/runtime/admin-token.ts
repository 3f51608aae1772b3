import type { InstanceSettings } from '../core/instance/port.js';
import { keyedHash, randomToken, type ServerKeys } from '../core/secrets.js';

const SETTING = 'admin_token_hash';

/**
 * The hash that admin bearer tokens are compared against. A configured token wins; otherwise one is
 * generated at first start, its hash stored, and the token itself returned once to be printed.
 */
export const ensureAdminToken = async (
  store: InstanceSettings,
  keys: ServerKeys,
  configured: string | null,
): Promise<{ hash: string; generated: string | null }> => {
  if (configured) return { hash: keyedHash(keys.credentialHash, configured), generated: null };
  const existing = await store.getSetting(SETTING);
  if (existing) return { hash: existing, generated: null };
  const token = `rva_${randomToken(32)}`;
  const stored = await store.initSetting(SETTING, keyedHash(keys.credentialHash, token));
  return { hash: stored, generated: stored === keyedHash(keys.credentialHash, token) ? token : null };
};
