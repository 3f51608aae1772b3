/**
 * Issue 9.9: can wrong passwords take the service down? Measures the native API's p99 (a resend) at
 * 10 connections alone, then while 32 connections flood `!GetDCVEmailAddressList` with wrong
 * passwords from one client and from many (X-Forwarded-For through a trusted proxy), and how many
 * slow hashes ran. Bounded: 8 s per phase, 127.0.0.1 only.
 *
 *   npx tsx bench/probes/login-flood.ts
 */
import autocannon from 'autocannon';
import { startProbeService } from './service.js';

const SECONDS = Number(process.env.FLOOD_SECONDS ?? 8);
const ADMIN = 'bench-admin-token-0123456789';

const main = async () => {
  const service = await startProbeService({
    REVERIFY_ADMIN_TOKEN: ADMIN,
    REVERIFY_RESEND_COOLDOWN: '0',
    REVERIFY_RESEND_MAX_PER_DAY: '0',
    REVERIFY_ACCOUNT_MAX_PER_HOUR: '0',
    REVERIFY_TRUSTED_PROXIES: '127.0.0.1',
    REVERIFY_LOGIN_MAX_FAILURES: '1000',
    REVERIFY_LOGIN_MAX_FAILURES_GLOBAL: '100000',
    REVERIFY_AUTH_FAILURES_PER_MINUTE: '0',
  });
  const { base } = service;
  try {
    const auth = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    await fetch(`${base}/v1/accounts`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'acme', loginName: 'acme_api', loginPassword: 'Correct-Horse-9' }),
    });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const r = await fetch(`${base}/v1/verifications`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ recipient: `u${i}@example.com`, purpose: 'email_ownership' }),
      });
      ids.push(((await r.json()) as { id: string }).id);
    }
    let n = 0;
    const native = () =>
      autocannon({
        url: base,
        connections: 10,
        duration: SECONDS,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => ({ ...req, path: `/v1/verifications/${ids[n++ % ids.length]}/resend`, headers: auth, body: '{}' }),
          },
        ],
      });
    const flood = (manyClients: boolean) => {
      let m = 0;
      return autocannon({
        url: `${base}/products/!GetDCVEmailAddressList`,
        connections: 32,
        duration: SECONDS,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => ({
              ...req,
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                'x-forwarded-for': manyClients ? `10.${(m >> 16) & 255}.${(m >> 8) & 255}.${m++ & 255}` : '10.0.0.1',
              },
              body: `loginName=acme_api&loginPassword=wrong-${m}&domainName=example.com`,
            }),
          },
        ],
      });
    };
    const row = (r: autocannon.Result) => ({ rps: Math.round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99 });
    const alone = await native();
    // The control: the same number of connections flooding the cheapest endpoint there is.
    const [underHealth, floodHealth] = await Promise.all([
      native(),
      autocannon({ url: `${base}/healthz`, connections: 32, duration: SECONDS }),
    ]);
    const [underOne, floodOne] = await Promise.all([native(), flood(false)]);
    const [underMany, floodMany] = await Promise.all([native(), flood(true)]);
    console.log(
      JSON.stringify(
        {
          native_resend_alone: row(alone),
          native_resend_during_healthz_flood: row(underHealth),
          healthz_flood: row(floodHealth),
          native_resend_during_flood_from_one_client: row(underOne),
          flood_from_one_client: row(floodOne),
          native_resend_during_flood_from_many_clients: row(underMany),
          flood_from_many_clients: row(floodMany),
        },
        null,
        2,
      ),
    );
  } finally {
    await service.stop();
  }
};

await main();
