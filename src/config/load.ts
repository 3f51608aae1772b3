import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { defaults, envName, parsers, SettingError, type Settings } from './settings.js';

export { SettingError } from './settings.js';

export interface ConfigSources {
  /** Command-line flags, already named as settings. */
  flags?: Partial<Record<keyof Settings, unknown>>;
  env?: NodeJS.ProcessEnv;
  /** A JSON or YAML file. */
  file?: string;
}

const readFile = (file: string): Record<string, unknown> => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SettingError('--config', `cannot read ${file}: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new SettingError('--config', `${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new SettingError('--config', `${file} must hold an object of settings`);
  return data as Record<string, unknown>;
};

/** Flags win over environment variables, which win over the file, which wins over defaults. */
export const loadSettings = ({ flags = {}, env = process.env, file }: ConfigSources = {}): Settings => {
  const fromFile = file ? readFile(file) : {};
  for (const key of Object.keys(fromFile)) {
    if (!(key in parsers)) throw new SettingError(key, `is not a setting (in ${file})`);
  }
  const settings = { ...defaults } as Record<string, unknown>;
  for (const key of Object.keys(parsers) as (keyof Settings)[]) {
    const parse = parsers[key] as (raw: unknown, name: string) => unknown;
    const name = envName(key);
    if (flags[key] !== undefined) settings[key] = parse(flags[key], `--${key}`);
    else if (env[name] !== undefined) settings[key] = parse(env[name], name);
    else if (fromFile[key] !== undefined) settings[key] = parse(fromFile[key], `${key} (in ${file})`);
  }
  return settings as unknown as Settings;
};
