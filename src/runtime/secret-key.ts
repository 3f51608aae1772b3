import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomToken } from '../core/secrets.js';

/**
 * The configured server key, or one generated into the data directory at first start.
 * Every node of a multi-node deployment must be given the same key.
 */
export const loadOrCreateSecretKey = (
  configured: string | null,
  dataDir: string | null,
  /** The database was already used with a key: generating a new one would lock everyone out. */
  databaseInUse = false,
): { key: string; created: boolean } => {
  if (configured) return { key: configured, created: false };
  if (!dataDir) throw new Error('REVERIFY_SECRET_KEY: must be set when the database is not a local SQLite file');
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), created: false };
  if (databaseInUse)
    throw new Error(
      `REVERIFY_SECRET_KEY: ${file} is missing but the database was already used with a server key; restore the secret.key backed up with the database (or set REVERIFY_SECRET_KEY)`,
    );
  mkdirSync(dataDir, { recursive: true });
  const key = randomToken(32);
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key, created: true };
};
