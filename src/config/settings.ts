import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { type Purpose, purposes } from '../core/model.js';
import { type ResendPolicy, resendPolicies } from '../core/verification/policies.js';
import { parseSmtpRoute } from '../courier/email/router.js';
import { type Durability, durabilities } from '../store/sqlite/database.js';

/** Every setting, with its config-file name; its environment name is REVERIFY_ + UPPER_SNAKE of it. */
export interface Settings {
  host: string;
  port: number;
  databaseUrl: string;
  /** PostgreSQL connections per node. */
  databasePoolSize: number;
  /** Seconds a PostgreSQL statement, connection or wait for a pooled connection may take before the request fails. */
  databaseStatementTimeout: number;
  /**
   * SQLite: `normal` survives a crash of the process (every commit is in the WAL before the answer);
   * `full` also survives a power loss (the WAL is fsynced at every commit, one commit per group).
   */
  durability: Durability;
  smtpUrl: string;
  mailFrom: string;
  publicUrl: string;
  requireHttps: boolean;
  tlsCert: string | null;
  tlsKey: string | null;
  adminToken: string | null;
  secretKey: string | null;
  dnsServers: string[];
  trustedProxies: string[];
  resendCooldown: number;
  resendMaxPerDay: number;
  accountMaxPerHour: number;
  ipMaxPerHour: number;
  tokenTtl: number;
  tokenGrace: number;
  resendPolicy: Record<Purpose, ResendPolicy>;
  courierConcurrency: number;
  courierLease: number;
  courierMaxAttempts: number;
  courierRetryBaseMs: number;
  courierRetryMaxMs: number;
  courierPollMs: number;
  /** Emails in flight at once per recipient domain, per node (so one slow mail server cannot hold every worker). */
  courierPerDestination: number;
  /** `DOMAIN=smtp://...` (or `*.DOMAIN=...`): that domain's mail goes through its own relay; the rest through smtpUrl. */
  smtpRoutes: string[];
  /** Deliveries in flight at once per webhook endpoint, per node (1 keeps a healthy endpoint's events in order). */
  webhookPerEndpoint: number;
  /** Seconds a webhook endpoint has to answer. */
  webhookTimeout: number;
  /** CIDR blocks webhooks may reach although private, loopback or link-local (e.g. an internal receiver). */
  webhookAllowedNetworks: string[];
  /** DKIM: the signing domain (d=), selector (s=) and PEM private key file; all three or none. */
  dkimDomain: string | null;
  dkimSelector: string | null;
  dkimKeyFile: string | null;
  /** VERP: each message's envelope sender is bounce+<message id>@ this domain. */
  bounceDomain: string | null;
  /** Port of the inbound SMTP listener for delivery status notifications (null: none). */
  bounceSmtpPort: number | null;
  bounceSmtpHost: string;
  /** Largest inbound bounce accepted, in bytes (SMTP and HTTP); larger ones are refused unread. */
  bounceMaxBytes: number;
  /** Bearer token for POST /v1/bounces, for mail providers that post bounces (the admin token also works). */
  bounceToken: string | null;
  /** A directory of templates overriding the built-in ones (see docs/templates.md). */
  templatesDir: string | null;
  bodyLimit: number;
  /** Seconds a request may take to arrive whole (slow bodies are cut off). */
  requestTimeout: number;
  logLevel: string;
  /** Bearer token for /metrics (the admin token also works). */
  metricsToken: string | null;
  /** host:port of a separate listener for /metrics only. */
  metricsAddress: string | null;
  /** Days audit events are kept. */
  auditRetention: number;
  /** Wrong passwords per login name and client IP within loginWindow. */
  loginMaxFailures: number;
  /** Wrong passwords per login name from everywhere within loginWindow. */
  loginMaxFailuresGlobal: number;
  /** Seconds over which login failures count. */
  loginWindow: number;
  /** Seconds a verified password is accepted through a keyed fast hash (0: always the slow hash). */
  loginCacheTtl: number;
  /** Slow password hashes in flight at once, in all (default: half the CPU cores, at least 1). */
  passwordHashConcurrency: number;
  /** Slow password hashes in flight at once per client IP. */
  passwordHashPerClient: number;
  /** Failed authentications per client IP per minute before failures are throttled (0: off). */
  authFailuresPerMinute: number;
  /** Anonymous requests (Akana) accepted per client IP per minute; more are answered alike and dropped (0: off). */
  anonymousPerMinute: number;
  /** Milliseconds between two passes of the anonymous-request worker. */
  requestWorkerTickMs: number;
  /** The local sandbox: the built-in fixture made from the seeds is loaded at start. */
  sandbox: boolean;
  /** Sandbox only: the share of all vendor-dialect calls answered with the dialect's internal error (0 to 1). */
  sandboxFailureShare: number;
  /** Sandbox only: latency added to every vendor-dialect call, in milliseconds. */
  sandboxLatencyMs: number;
}

export class SettingError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting}: ${problem}`);
  }
}

const isCidr = (v: string): boolean => {
  const [address, bits, extra] = v.split('/');
  const family = isIP(address ?? '');
  return family !== 0 && extra === undefined && /^\d{1,3}$/.test(bits ?? '') && Number(bits) <= (family === 4 ? 32 : 128);
};

type Parser<T> = (raw: unknown, name: string) => T;

const str: Parser<string> = (raw, name) => {
  if (typeof raw !== 'string' || raw === '') throw new SettingError(name, 'must be a non-empty string');
  return raw;
};
const optStr: Parser<string | null> = (raw, name) => (raw === null || raw === '' ? null : str(raw, name));
const int =
  (min: number, max: number): Parser<number> =>
  (raw, name) => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max)
      throw new SettingError(name, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return n;
  };
const share: Parser<number> = (raw, name) => {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!(n >= 0 && n <= 1)) throw new SettingError(name, `must be a number from 0 to 1, got ${JSON.stringify(raw)}`);
  return n;
};
const bool: Parser<boolean> = (raw, name) => {
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new SettingError(name, `must be true or false, got ${JSON.stringify(raw)}`);
};
const list: Parser<string[]> = (raw, name) => {
  if (Array.isArray(raw)) return raw.map((x) => str(x, name));
  if (typeof raw === 'string')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  throw new SettingError(name, 'must be a comma-separated list');
};
const url =
  (schemes: string[]): Parser<string> =>
  (raw, name) => {
    const value = str(raw, name);
    let scheme: string;
    try {
      scheme = new URL(value).protocol;
    } catch {
      throw new SettingError(name, `is not a URL: ${JSON.stringify(value)}`);
    }
    if (!schemes.includes(scheme)) throw new SettingError(name, `must start with ${schemes.join(' or ')}, got ${scheme}`);
    return value;
  };
const logLevel: Parser<string> = (raw, name) => {
  const v = str(raw, name);
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(v)) throw new SettingError(name, `is not a log level: ${v}`);
  return v;
};
const policy: Parser<Record<Purpose, ResendPolicy>> = (raw, name) => {
  const entries: [string, unknown][] =
    typeof raw === 'string'
      ? raw
          .split(',')
          .filter(Boolean)
          .map((pair) => pair.split('=').map((s) => s.trim()) as [string, string])
      : raw && typeof raw === 'object'
        ? Object.entries(raw)
        : [];
  if (entries.length === 0 && raw !== '')
    throw new SettingError(name, 'must map purposes to policies, e.g. dcv=reuse,email_ownership=rotate');
  const result = { ...defaults.resendPolicy };
  for (const [purpose, value] of entries) {
    if (!(purposes as readonly string[]).includes(purpose)) throw new SettingError(name, `unknown purpose ${JSON.stringify(purpose)}`);
    if (!(resendPolicies as readonly unknown[]).includes(value))
      throw new SettingError(name, `policy must be one of ${resendPolicies.join(', ')}`);
    result[purpose as Purpose] = value as ResendPolicy;
  }
  return result;
};

export const defaults: Settings = {
  host: '127.0.0.1',
  port: 8080,
  databaseUrl: 'sqlite:./data/reverify.db',
  databasePoolSize: 10,
  databaseStatementTimeout: 5,
  durability: 'normal',
  smtpUrl: 'capture:',
  mailFrom: 'Reverify <no-reply@localhost>',
  publicUrl: 'http://127.0.0.1:8080',
  requireHttps: false,
  tlsCert: null,
  tlsKey: null,
  adminToken: null,
  secretKey: null,
  dnsServers: [],
  trustedProxies: [],
  resendCooldown: 60,
  resendMaxPerDay: 10,
  accountMaxPerHour: 1000,
  ipMaxPerHour: 300,
  tokenTtl: 72 * 3600,
  tokenGrace: 15 * 60,
  resendPolicy: {
    dcv: 'reuse',
    smime_mailbox: 'rotate-with-grace',
    email_ownership: 'rotate-with-grace',
    account_activation: 'rotate-with-grace',
  },
  courierConcurrency: 8,
  courierLease: 60,
  courierMaxAttempts: 8,
  courierRetryBaseMs: 30_000,
  courierRetryMaxMs: 3_600_000,
  courierPollMs: 1000,
  courierPerDestination: 4,
  smtpRoutes: [],
  webhookPerEndpoint: 1,
  webhookTimeout: 10,
  webhookAllowedNetworks: [],
  dkimDomain: null,
  dkimSelector: null,
  dkimKeyFile: null,
  bounceDomain: null,
  bounceSmtpPort: null,
  bounceSmtpHost: '127.0.0.1',
  bounceMaxBytes: 262_144,
  bounceToken: null,
  templatesDir: null,
  bodyLimit: 65_536,
  requestTimeout: 30,
  logLevel: 'info',
  metricsToken: null,
  metricsAddress: null,
  auditRetention: 90,
  loginMaxFailures: 10,
  loginMaxFailuresGlobal: 100,
  loginWindow: 15 * 60,
  loginCacheTtl: 300,
  // Half the cores at most: wrong passwords can never take more than half the machine.
  passwordHashConcurrency: Math.max(1, Math.floor(availableParallelism() / 2)),
  passwordHashPerClient: 2,
  authFailuresPerMinute: 30,
  anonymousPerMinute: 60,
  requestWorkerTickMs: 250,
  sandbox: false,
  sandboxFailureShare: 0,
  sandboxLatencyMs: 0,
};

export const parsers: { [K in keyof Settings]: Parser<Settings[K]> } = {
  host: str,
  port: int(0, 65535),
  databaseUrl: (raw, name) => {
    const v = str(raw, name);
    if (!/^sqlite:/.test(v) && !/^postgres(ql)?:\/\//.test(v))
      throw new SettingError(name, `must be sqlite:PATH or postgres://..., got ${JSON.stringify(v)}`);
    return v;
  },
  databasePoolSize: int(1, 1000),
  databaseStatementTimeout: int(1, 3600),
  durability: (raw, name) => {
    const v = str(raw, name);
    if (!(durabilities as readonly string[]).includes(v)) throw new SettingError(name, `must be normal or full, got ${JSON.stringify(v)}`);
    return v as Durability;
  },
  smtpUrl: (raw, name) => (raw === 'capture:' ? 'capture:' : url(['smtp:', 'smtps:'])(raw, name)),
  mailFrom: (raw, name) => {
    const v = str(raw, name);
    if (/[\r\n]/.test(v) || !/@/.test(v)) throw new SettingError(name, 'must be one address, e.g. "Reverify <no-reply@example.com>"');
    return v;
  },
  publicUrl: url(['http:', 'https:']),
  requireHttps: bool,
  tlsCert: optStr,
  tlsKey: optStr,
  adminToken: (raw, name) => {
    const v = optStr(raw, name);
    if (v !== null && v.length < 16) throw new SettingError(name, 'must be at least 16 characters');
    return v;
  },
  secretKey: (raw, name) => {
    const v = optStr(raw, name);
    if (v !== null && v.length < 32) throw new SettingError(name, 'must be at least 32 characters');
    return v;
  },
  dnsServers: list,
  trustedProxies: list,
  resendCooldown: int(0, 86_400),
  resendMaxPerDay: int(0, 1_000_000),
  accountMaxPerHour: int(0, 100_000_000),
  ipMaxPerHour: int(0, 100_000_000),
  tokenTtl: int(60, 90 * 86_400),
  tokenGrace: int(0, 30 * 86_400),
  resendPolicy: policy,
  courierConcurrency: int(1, 256),
  courierLease: int(1, 3600),
  courierMaxAttempts: int(1, 100),
  courierRetryBaseMs: int(1, 86_400_000),
  courierRetryMaxMs: int(1, 86_400_000),
  courierPollMs: int(10, 60_000),
  courierPerDestination: int(1, 256),
  smtpRoutes: (raw, name) =>
    list(raw, name).map((entry) => {
      try {
        return parseSmtpRoute(entry) && entry;
      } catch (e) {
        throw new SettingError(name, (e as Error).message);
      }
    }),
  webhookPerEndpoint: int(1, 64),
  webhookTimeout: int(1, 120),
  webhookAllowedNetworks: (raw, name) =>
    list(raw, name).map((cidr) => {
      if (!isCidr(cidr)) throw new SettingError(name, `'${cidr}' is not a CIDR block such as 10.1.2.0/24`);
      return cidr;
    }),
  dkimDomain: optStr,
  dkimSelector: (raw, name) => {
    const v = optStr(raw, name);
    if (v !== null && !/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(v))
      throw new SettingError(name, `'${v}' is not a DKIM selector`);
    return v;
  },
  dkimKeyFile: optStr,
  bounceDomain: (raw, name) => {
    const v = optStr(raw, name);
    if (v !== null && !/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(v)) throw new SettingError(name, `'${v}' is not a domain name`);
    return v === null ? null : v.toLowerCase();
  },
  bounceSmtpPort: (raw, name) => (raw === null || raw === '' ? null : int(0, 65535)(raw, name)),
  bounceSmtpHost: str,
  bounceMaxBytes: int(1024, 10_485_760),
  bounceToken: (raw, name) => {
    const v = optStr(raw, name);
    if (v !== null && v.length < 16) throw new SettingError(name, 'must be at least 16 characters');
    return v;
  },
  templatesDir: optStr,
  bodyLimit: int(1024, 10_485_760),
  requestTimeout: int(1, 3600),
  logLevel,
  metricsToken: (raw, name) => {
    const v = optStr(raw, name);
    if (v !== null && v.length < 16) throw new SettingError(name, 'must be at least 16 characters');
    return v;
  },
  metricsAddress: (raw, name) => {
    const v = optStr(raw, name);
    if (v !== null && !/^[^\s:]+:\d{1,5}$/.test(v) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(v))
      throw new SettingError(name, `must be host:port, got ${JSON.stringify(v)}`);
    return v;
  },
  auditRetention: int(1, 36_500),
  loginMaxFailures: int(1, 1000),
  loginMaxFailuresGlobal: int(1, 100_000),
  loginWindow: int(1, 86_400),
  loginCacheTtl: int(0, 86_400),
  passwordHashConcurrency: int(1, 256),
  passwordHashPerClient: int(1, 256),
  authFailuresPerMinute: int(0, 1_000_000),
  anonymousPerMinute: int(0, 1_000_000),
  requestWorkerTickMs: int(10, 60_000),
  sandbox: bool,
  sandboxFailureShare: share,
  sandboxLatencyMs: int(0, 120_000),
};

export const envName = (key: string): string => `REVERIFY_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
