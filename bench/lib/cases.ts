import { type AccessKey, signedAcs3, signedV1 } from './alibaba-sign.js';
import type { Ready } from './child.js';
import type { BenchConfig } from './config.js';
import { deliveryCase } from './delivery.js';
import { type BenchCase, cycle, httpCase, list } from './http-case.js';
import type { BenchRequest } from './load.js';
import { postgresCase } from './postgres.js';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
const ADMIN = { authorization: 'Bearer bench-admin-token-0123456789' };

const reverify =
  (scenario: string, extra: Record<string, string> = {}) =>
  (cfg: BenchConfig) => ({
    BENCH_SCENARIO: scenario,
    BENCH_SEED: String(cfg.seed),
    ...extra,
  });

const nativeResend = (ready: Ready) => {
  const id = cycle(list(ready, 'ids'));
  return (): BenchRequest => ({ method: 'POST', path: `/v1/verifications/${id()}/resend`, headers: ADMIN });
};

const alibabaResend = (sign: (key: AccessKey, email: string, host: string) => BenchRequest) => (ready: Ready) => {
  const key = cycle(list<AccessKey>(ready, 'accessKeys'));
  const email = cycle(list(ready, 'emails'));
  return () => sign(key(), email(), `127.0.0.1:${ready.port}`);
};
/** A list in Alibaba's JSON: a plain array (as the spec has it), or wrapped in `SendResult` (as the server renders it today). */
const entries = (list: unknown): unknown[] =>
  Array.isArray(list)
    ? list
    : Array.isArray((list as { SendResult?: unknown })?.SendResult)
      ? (list as { SendResult: unknown[] }).SendResult
      : [];
const alibabaSent = (status: number, body: string) => {
  if (status !== 200) return false;
  const json = JSON.parse(body) as { SuccessList?: unknown; FailList?: unknown };
  return entries(json.SuccessList).length === 1 && entries(json.FailList).length === 0;
};

const betterAuth = (floor: 'shipped' | 'removed') =>
  httpCase(
    `better-auth-${floor === 'shipped' ? 'shipped' : 'no-floor'}`,
    `Better Auth send-verification-email, ${floor === 'shipped' ? 'as shipped (500 ms floor)' : 'floor removed'}`,
    'peer',
    {
      script: 'better-auth-server.ts',
      env: (cfg) => ({ BENCH_FLOOR: floor, BENCH_USERS: String(cfg.seed) }),
      requests: (ready) => {
        const email = cycle(list(ready, 'emails'));
        return () => ({
          method: 'POST',
          path: '/api/auth/send-verification-email',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: email() }),
        });
      },
      accept: (status, body) => status === 200 && body === '{"status":true}',
    },
  );

/** 10k, 1M */
const count = (n: number): string => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

const growth = (id: string, stored: number) =>
  httpCase(id, `native resend, ${count(stored)} stored`, 'growth', {
    script: 'reverify-server.ts',
    env: reverify('growth', { BENCH_STORED: String(stored) }),
    requests: nativeResend,
    accept: (status) => status === 202,
    extra: (ready) => ({ stored: ready.stored }),
  });

/** Every case of the suite, in the order they run and are shown. */
export const allCases = (cfg: BenchConfig): BenchCase[] => [
  httpCase('bare', 'bare limit: node:http + better-sqlite3 insert', 'limit', {
    script: 'bare-server.ts',
    requests: (ready) => {
      const id = cycle(list(ready, 'ids'));
      return () => ({ method: 'POST', path: `/resend/${id()}` });
    },
    accept: (status) => status === 202,
  }),
  httpCase('bare-full', 'bare limit, synchronous=FULL', 'limit', {
    script: 'bare-server.ts',
    env: () => ({ BENCH_SYNC: 'FULL' }),
    requests: (ready) => {
      const id = cycle(list(ready, 'ids'));
      return () => ({ method: 'POST', path: `/resend/${id()}` });
    },
    accept: (status) => status === 202,
  }),
  httpCase('native', 'native POST /v1/verifications/:id/resend', 'reverify', {
    script: 'reverify-server.ts',
    env: reverify('native'),
    requests: nativeResend,
    accept: (status) => status === 202,
  }),
  httpCase('native-accept', 'native resend, courier off (accepted and queued only)', 'reverify', {
    script: 'reverify-server.ts',
    env: reverify('native', { BENCH_COURIER: 'off' }),
    requests: nativeResend,
    accept: (status) => status === 202,
  }),
  httpCase('native-full', 'native resend, REVERIFY_DURABILITY=full', 'reverify', {
    script: 'reverify-server.ts',
    env: reverify('native', { REVERIFY_DURABILITY: 'full' }),
    requests: nativeResend,
    accept: (status) => status === 202,
  }),
  httpCase('sectigo-smime', 'Sectigo !ResendVerificationEmailSMIME', 'reverify', {
    script: 'reverify-server.ts',
    env: reverify('smime'),
    requests: (ready) => {
      const order = cycle(list(ready, 'orders'));
      const login = { loginName: String(ready.loginName), loginPassword: String(ready.loginPassword) };
      return () => ({
        method: 'POST',
        path: '/products/!ResendVerificationEmailSMIME',
        headers: formHeaders,
        body: form({ ...login, orderNumber: order() }),
      });
    },
    accept: (status, body) => status === 200 && /^0(\n|$)/.test(body),
  }),
  httpCase('sectigo-dcv', 'Sectigo !ResendDCVEmail', 'reverify', {
    script: 'reverify-server.ts',
    env: reverify('ssl'),
    requests: (ready) => {
      const order = cycle(list(ready, 'orders'));
      const login = { loginName: String(ready.loginName), loginPassword: String(ready.loginPassword) };
      return () => ({
        method: 'POST',
        path: '/products/!ResendDCVEmail',
        headers: formHeaders,
        body: form({ ...login, orderNumber: order() }),
      });
    },
    accept: (status, body) => status === 200 && /^errorCode=0(&|$)/.test(body),
  }),
  httpCase('digicert', 'DigiCert PUT .../resend-emails', 'reverify', {
    script: 'reverify-server.ts',
    env: reverify('ssl'),
    requests: (ready) => {
      const order = cycle(list(ready, 'orders'));
      const headers = { 'x-dc-devkey': String(ready.apiKey), 'content-type': 'application/json' };
      return () => ({ method: 'PUT', path: `/services/v2/order/certificate/${order()}/resend-emails`, headers, body: '{}' });
    },
    accept: (status) => status === 204,
  }),
  httpCase('alibaba-v1', 'Alibaba ResendEmailVerification, signature v1', 'reverify', {
    script: 'reverify-server.ts',
    env: reverify('alibaba'),
    requests: alibabaResend(signedV1),
    accept: alibabaSent,
  }),
  httpCase('alibaba-acs3', 'Alibaba ResendEmailVerification, ACS3-HMAC-SHA256', 'reverify', {
    script: 'reverify-server.ts',
    env: reverify('alibaba'),
    requests: alibabaResend(signedAcs3),
    accept: alibabaSent,
  }),
  httpCase('akana', 'Akana resendActivation (anonymous)', 'reverify', {
    script: 'reverify-server.ts',
    env: reverify('akana'),
    requests: (ready) => {
      const email = cycle(list(ready, 'emails'));
      return () => ({ method: 'POST', path: '/api/users/resendActivation', headers: formHeaders, body: form({ emailAddress: email() }) });
    },
    accept: (status, body) => status === 200 && body === '',
  }),
  postgresCase(1),
  postgresCase(2),
  postgresCase(3),
  betterAuth('shipped'),
  betterAuth('removed'),
  deliveryCase('delivery-reverify', 'delivery: outbox -> courier -> SMTP sink', 'reverify'),
  deliveryCase('delivery-nodemailer', 'delivery: nodemailer pool -> SMTP sink', 'nodemailer'),
  growth('growth-small', cfg.growth[0]),
  growth('growth-large', cfg.growth[1]),
];
