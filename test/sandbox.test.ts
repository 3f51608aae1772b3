import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/eventually.js';
import { ADMIN_TOKEN } from './helpers/service.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'reverify-sandbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// curl reads its options from $CURL_HOME/.curlrc, so the sample commands stay verbatim.
writeFileSync(join(dir, '.curlrc'), 'silent\nshow-error\nwrite-out = "\\n%{http_code}"\n');

/** The seeds' sample requests as the vendors' pages print them (seeds 000 to 004), with only the host to change. */
const seedSamples = {
  '000': `curl --location 'https://secure.trust-provider.com/products/!ResendVerificationEmailSMIME' \\
--header 'Content-Type: application/x-www-form-urlencoded' \\
--data-urlencode 'loginName=login_name' \\
--data-urlencode 'loginPassword=login_password' \\
--data-urlencode 'orderNumber=123456789'`,
  '001': `curl --location 'https://secure.trust-provider.com/products/!ResendDCVEmail' \\
--header 'Content-Type: application/x-www-form-urlencoded' \\
--data-urlencode 'loginName=login_name' \\
--data-urlencode 'loginPassword=login_password' \\
--data-urlencode 'orderNumber=1234567'`,
  '002': `curl -X PUT \\
'https://www.digicert.com/services/v2/order/certificate/{{order_id}}/resend-emails' \\
-H 'Content-Type: application/json' \\
-H 'X-DC-DEVKEY: {{api_key}}' \\
-d '{
"domain_approval_emails": [
{
"domain": "example.com",
"email": "someone@example.com"
},
{
"domain": "sub.example2.com",
"email": "someone@example2.com",
"email_domain": "example2.com"
}
],
"locale": "en"
}'`,
  // "http(s)://domain.aliyuncs.com/? Action=ResendEmailVerification&Email=test1@aliyun.com,test2@aliyun.com&<Common request parameters>":
  // the common parameters come from the sandbox's signing recipe.
  '003': `curl "$(npx reverify alibaba-url --endpoint 'https://domain.aliyuncs.com' --access-key-id LTAI5tSandboxAccessKey --access-key-secret sandboxAccessKeySecret00000000 Action=ResendEmailVerification Email=test1@aliyun.com,test2@aliyun.com)"`,
  // "POST /api/users/resendActivation", headers "Accept: */*" and "Content-Type: ...; charset=UTF-8", body "emailAddress=...".
  '004': `curl -X POST 'https://{hostname}/api/users/resendActivation' -H 'Accept: */*' -H 'Content-Type: application/x-www-form-urlencoded; charset=UTF-8' --data 'emailAddress=jane.saoirse@acmepaymentscorp.com'`,
};

const hosted = (command: string, base: string) =>
  command
    .replaceAll('https://secure.trust-provider.com', base)
    .replaceAll('https://www.digicert.com', base)
    .replaceAll('https://domain.aliyuncs.com', base)
    .replaceAll('https://{hostname}', base)
    .replaceAll('{{order_id}}', '1234567')
    .replaceAll('{{api_key}}', 'sandbox-digicert-api-key');

/** The same CLI from source: `npx reverify` runs the build, which a test must not depend on. */
const fromSource = (command: string) => command.replaceAll('npx reverify', `${process.execPath} --import tsx src/cli/index.ts`);

const curl = async (command: string) => {
  const { stdout } = await run('bash', ['-c', fromSource(command)], { env: { ...process.env, CURL_HOME: dir } });
  const at = stdout.lastIndexOf('\n');
  return { body: stdout.slice(0, at), status: Number(stdout.slice(at + 1)) };
};

/** `reverify start --port 0` with the sandbox on (flag or environment); resolves once the banner is printed. */
const startSandbox = async (name: string, how: 'flag' | 'env') => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/index.ts', 'start', '--port', '0', ...(how === 'flag' ? ['--sandbox'] : [])],
    {
      env: {
        ...process.env,
        REVERIFY_DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`,
        REVERIFY_ADMIN_TOKEN: ADMIN_TOKEN,
        REVERIFY_SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
        REVERIFY_LOG_LEVEL: 'warn',
        ...(how === 'env' ? { REVERIFY_SANDBOX: 'true' } : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout?.on('data', (c) => {
    out += c;
  });
  const base = await eventually(
    () => /Sandbox at (http:\/\/127\.0\.0\.1:\d+):/.exec(out)?.[1] ?? '',
    (b) => b !== '',
  );
  await eventually(
    () => out,
    (o) => o.includes('/v1/inbox'),
  );
  const inbox = async (to: string) =>
    (
      await (
        await fetch(`${base}/v1/inbox?to=${encodeURIComponent(to)}&limit=100`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
      ).json()
    ).items as { to: string; subject: string }[];
  return {
    base,
    output: () => out,
    inbox,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
};

/** Every recipient's captured mail count, once the courier has caught up with `expected`. */
const mailCounts = async (sandbox: Awaited<ReturnType<typeof startSandbox>>, expected: Record<string, number>) =>
  eventually(
    async () => Object.fromEntries(await Promise.all(Object.keys(expected).map(async (to) => [to, (await sandbox.inbox(to)).length]))),
    (counts) => Object.entries(expected).every(([to, n]) => counts[to] === n),
  );

/** After the built-in fixture's first emails and one run of each sample. */
const afterSamples = {
  'alice@example.com': 2,
  'alice.backup@example.com': 2,
  'admin@example.com': 2,
  'someone@example.com': 1,
  'someone@example2.com': 1,
  'test1@aliyun.com': 2,
  'test2@aliyun.com': 2,
  'jane.saoirse@acmepaymentscorp.com': 2,
};

const expectSuccess = async (seed: keyof typeof seedSamples, r: { body: string; status: number }) => {
  const expected: Record<typeof seed, () => void> = {
    '000': () => expect([r.status, r.body]).toEqual([200, '0']),
    '001': () => expect([r.status, r.body]).toEqual([200, 'errorCode=0']),
    '002': () => expect([r.status, r.body]).toEqual([204, '']),
    '003': () => {
      expect(r.status).toBe(200);
      const parsed = new XMLParser({ isArray: (n) => n === 'SuccessList' }).parse(r.body).ResendEmailVerificationResponse;
      expect(parsed.SuccessList.map((s: { Email: string }) => s.Email)).toEqual(['test1@aliyun.com', 'test2@aliyun.com']);
      expect(parsed.FailList).toBeUndefined();
    },
    '004': () => expect([r.status, r.body]).toEqual([200, '']),
  };
  expected[seed]();
};

describe('the sandbox: reverify start --sandbox', () => {
  it("runs every seed's sample request verbatim, host changed, right after start; the mail is in the captured inbox", async () => {
    const sandbox = await startSandbox('verbatim', 'flag');
    try {
      for (const seed of Object.keys(seedSamples) as (keyof typeof seedSamples)[]) {
        await expectSuccess(seed, await curl(hosted(seedSamples[seed], sandbox.base)));
      }
      await mailCounts(sandbox, afterSamples);
      // The cooldown is on: the sample's own resend started it, the fixture's first send did not.
      expect((await curl(hosted(seedSamples['001'], sandbox.base))).body).toBe(
        'errorCode=-42&errorMessage=Call+limit+reached%21+Please+try+again+later.',
      );
    } finally {
      await sandbox.stop();
    }
  });

  it('prints each sample as a ready-to-paste line for its actual address, and they work (REVERIFY_SANDBOX=true)', async () => {
    const sandbox = await startSandbox('printed', 'env');
    try {
      const lines = sandbox.output().split('\n');
      for (const seed of Object.keys(seedSamples) as (keyof typeof seedSamples)[]) {
        const at = lines.findIndex((l) => l.startsWith(`# seed ${seed}:`));
        const command = lines[at + 1] ?? '';
        expect(command).toContain(sandbox.base);
        await expectSuccess(seed, await curl(command));
      }
      await mailCounts(sandbox, afterSamples);
    } finally {
      await sandbox.stop();
    }
  });

  it('npm start is the sandbox', () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).scripts.start).toMatch(
      /^node (--[\w-]+=\S+ )*bin\/reverify\.js start --sandbox$/,
    );
  });
});
