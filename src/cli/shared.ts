import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import ms from 'ms';
import { loadSettings } from '../config/load.js';
import type { Settings } from '../config/settings.js';
import { createRuntime, type Runtime } from '../runtime/create-runtime.js';

export const settingsFrom = (opts: { host?: string; port?: string; config?: string; sandbox?: boolean }): Settings =>
  loadSettings({
    flags: { host: opts.host, port: opts.port, sandbox: opts.sandbox ? true : undefined },
    file: opts.config ?? process.env.REVERIFY_CONFIG,
  });

export const runtimeFor = (settings: Settings, onToken: (token: string) => void = () => {}) =>
  createRuntime(settings, {
    onAdminTokenGenerated: (token) => {
      process.stdout.write(`\nAdmin token (shown once; store it now, only its hash is kept):\n  ${token}\n\n`);
      onToken(token);
    },
  });

/** Runs `work` on a runtime for the configured store, and closes it whatever happens. */
export const withRuntime = async <T>(opts: { config?: string }, work: (rt: Runtime) => Promise<T>): Promise<T> => {
  const rt = await runtimeFor(settingsFrom(opts));
  try {
    return await work(rt);
  } finally {
    await rt.close();
  }
};

/** `--older-than 1h`, `90m`, `2d`: a positive duration in milliseconds. */
export const durationArg = (value: string): number => {
  const parsed = /^\d+(\.\d+)?\s*[a-z]+$/i.test(value.trim()) ? ms(value.trim() as ms.StringValue) : undefined;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed <= 0)
    throw new InvalidArgumentError('must be a duration such as 30m, 1h or 2d');
  return parsed;
};

/** `--rate 50/s` or `50`: sends per second. */
export const rateArg = (value: string): number => {
  const m = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(value.trim());
  const rate = m ? Number(m[1]) : Number.NaN;
  if (!(rate > 0) || rate > 100_000) throw new InvalidArgumentError('must be sends per second, such as 20/s');
  return rate;
};

export const positiveInt =
  (max: number) =>
  (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return Number(value);
  };

export const version = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const iso = (t: number | null): string => (t === null ? '' : new Date(t).toISOString());

export const configOption = ['--config <file>', 'config file, JSON or YAML (REVERIFY_CONFIG)'] as const;
