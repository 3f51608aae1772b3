import { afterEach, describe, expect, it } from 'vitest';
import { seedFixture } from '../../src/fixtures/load-fixtures.js';
import { startService, type TestService } from '../helpers/service.js';

const LOCKED =
  'errorCode=-16&errorMessage=Incorrect+login+details%2C+account+is+locked%2C+password+has+expired+or+your+source+IP+is+blocked.';

const addressList = (svc: TestService, password: string, ip = '203.0.113.1') =>
  fetch(`${svc.url}/products/!GetDCVEmailAddressList`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
    body: new URLSearchParams({ loginName: 'burst_login', loginPassword: password, domainName: 'example.com', responseFormat: '2' }),
  }).then((r) => r.text());

const succeeded = (body: string) => body.startsWith('{"errorCode":0');

/** Sum of the counted audit rows of one type. */
const counted = async (svc: TestService, type: string) =>
  (await svc.rt.store.audit.listEvents({ types: [type], limit: 1000 })).reduce((n, e) => n + (e.count ?? 1), 0);

describe('Sectigo logins under attack', () => {
  let svc: TestService;
  const start = async (overrides: Parameters<typeof startService>[0] = {}) => {
    svc = await startService({ trustedProxies: ['127.0.0.1'], loginCacheTtl: 0, ...overrides });
    await seedFixture(svc.rt, { accounts: [{ name: 'burst', loginName: 'burst_login', loginPassword: 'the-right-password' }] });
  };
  afterEach(async () => svc.close());

  it('99 wrong passwords and the right one at once: never more than 10 guesses checked, so no success after the limit', async () => {
    await start({ passwordHashConcurrency: 200, passwordHashPerClient: 200 });
    const passwords = Array.from({ length: 100 }, (_, i) => (i === 57 ? 'the-right-password' : `wrong-${i}`));
    const answers = await Promise.all(passwords.map((p) => addressList(svc, p)));
    const successes = answers.filter(succeeded).length;
    const failuresChecked = await counted(svc, 'login.failed');
    expect(successes + failuresChecked).toBeLessThanOrEqual(10);
    expect(successes).toBeLessThanOrEqual(1);
    expect(answers.filter((a) => a === LOCKED || a.includes('"errorCode":-16')).length).toBe(100 - successes);
    expect(await counted(svc, 'login.refused_locked')).toBeGreaterThanOrEqual(90);
  });

  it('ten failures lock a login from that address only; the customer’s own address still logs in', async () => {
    await start();
    for (let i = 0; i < 10; i++) expect(await addressList(svc, `wrong-${i}`, '198.51.100.66')).toContain('-16');
    expect(await addressList(svc, 'the-right-password', '198.51.100.66')).toContain('-16');
    expect(succeeded(await addressList(svc, 'the-right-password', '203.0.113.10'))).toBe(true);
  });

  it('distributed guessing from many addresses locks the login everywhere at the higher threshold', async () => {
    await start({ loginMaxFailuresGlobal: 20 });
    for (let i = 0; i < 20; i++) await addressList(svc, `wrong-${i}`, `192.0.2.${i + 1}`);
    expect(await addressList(svc, 'the-right-password', '203.0.113.77')).toContain('-16');
  });

  it('the slow hash is bounded in flight, per client and in all: a flood is answered at once, never queued', async () => {
    await start({ passwordHashConcurrency: 4, passwordHashPerClient: 2, loginMaxFailures: 1000, loginMaxFailuresGlobal: 100_000 });
    const oneClient = await Promise.all(Array.from({ length: 40 }, (_, i) => addressList(svc, `wrong-${i}`, '198.51.100.1')));
    expect(oneClient.every((a) => a.includes('-16'))).toBe(true);
    const gate = (svc.rt.logins as unknown as { deps: { gate: { peak: number } } }).deps.gate;
    expect(gate.peak).toBeLessThanOrEqual(2);
    const many = await Promise.all(Array.from({ length: 40 }, (_, i) => addressList(svc, `wrong-${i}`, `198.51.100.${10 + i}`)));
    expect(gate.peak).toBeLessThanOrEqual(4);
    expect(many.filter((a) => a.includes('"errorCode":-14')).length).toBeGreaterThan(0);
    expect(await svc.metrics()).toMatch(/reverify_password_hash_refusals_total\{bound="busy"\} [1-9]/);
    expect(await svc.metrics()).toMatch(/reverify_password_hash_refusals_total\{bound="client_busy"\} [1-9]/);
    // The right password still works once the flood is over.
    expect(succeeded(await addressList(svc, 'the-right-password', '203.0.113.5'))).toBe(true);
  });
});
