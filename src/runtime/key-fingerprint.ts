import type { InstanceSettings } from '../core/instance/port.js';
import { keyedHash, type ServerKeys } from '../core/secrets.js';

const SETTING = 'server_key_fingerprint';

export class KeyMismatchError extends Error {}

/** A value derived from the server key that proves nothing about it (a keyed hash of a constant). */
export const keyFingerprint = (keys: ServerKeys): string => keyedHash(keys.fingerprint, 'reverify server key').slice(0, 32);

/** Whether the database was already used with some server key. */
export const hasKeyFingerprint = async (settings: InstanceSettings): Promise<boolean> => (await settings.getSetting(SETTING)) !== null;

/**
 * Records the key's fingerprint at first use, and refuses a key that does not match it: a database
 * restored without its key would otherwise start with a new one, and every token, API key and link
 * would silently stop working.
 */
export const checkKeyFingerprint = async (settings: InstanceSettings, keys: ServerKeys): Promise<void> => {
  const mine = keyFingerprint(keys);
  const stored = await settings.initSetting(SETTING, mine);
  if (stored !== mine)
    throw new KeyMismatchError(
      'REVERIFY_SECRET_KEY: this is not the server key the database was first used with; start with that key (the secret.key backed up with the database, or the same REVERIFY_SECRET_KEY as the other nodes)',
    );
};
