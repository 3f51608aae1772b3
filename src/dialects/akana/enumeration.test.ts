import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../../../test/helpers/service.js';
import { seedFixture } from '../../fixtures/load-fixtures.js';

const ROUNDS = 250;
const cases = {
  pending: 'pending.user@example.com',
  unknown: 'nobody.here@example.com',
  activated: 'done.user@example.com',
} as const;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

describe('resendActivation does not tell addresses apart', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService({ resendCooldown: 0, resendMaxPerDay: 50, anonymousPerMinute: 0 });
    await seedFixture(svc.rt, {
      users: [
        { emailAddress: cases.pending, state: 'pending_activation' },
        { emailAddress: cases.activated, state: 'activated' },
      ],
    });
  });
  afterAll(async () => svc.close());

  const send = async (email: string) => {
    const started = performance.now();
    const res = await fetch(`${svc.url}/api/users/resendActivation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', accept: '*/*' },
      body: `emailAddress=${encodeURIComponent(email)}`,
    });
    const body = await res.text();
    const elapsed = performance.now() - started;
    const headers = JSON.stringify([...res.headers].filter(([k]) => k !== 'date'));
    return { elapsed, status: res.status, body, headers };
  };

  it(`${ROUNDS} interleaved requests per case (pending, unknown, activated, and the pending one over quota): same bytes, medians within 1 ms`, async () => {
    for (let i = 0; i < 30; i++) await send(Object.values(cases)[i % 3] as string);
    const times: Record<string, number[]> = { pending: [], unknown: [], activated: [] };
    const shapes = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const order = (Object.keys(cases) as (keyof typeof cases)[]).sort(() => Math.random() - 0.5);
      for (const name of order) {
        const r = await send(cases[name]);
        times[name]?.push(r.elapsed);
        shapes.add(JSON.stringify([r.status, r.body, r.headers]));
      }
    }
    expect([...shapes]).toHaveLength(1);
    expect(JSON.parse([...shapes][0] ?? '[]').slice(0, 2)).toEqual([200, '']);
    const medians = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    const spread = Math.max(...Object.values(medians)) - Math.min(...Object.values(medians));
    console.log(`resendActivation medians (ms): ${JSON.stringify(medians)}; spread ${spread.toFixed(3)} ms`);
    expect(spread).toBeLessThan(1);
    // The pending address really was mailed (up to its daily ceiling), the others never.
    await svc.rt.requestWorker.drain();
    const recipients = new Set((await svc.rt.store.messages.listMessages({ limit: 100 })).items.map((m) => m.recipient));
    expect([...recipients]).toEqual([cases.pending]);
    const refused = (await svc.rt.store.audit.listEvents({ limit: 1000 })).filter((e) => e.type === 'quota.refused');
    expect(refused.length).toBeGreaterThan(0);
    const metrics = await svc.metrics();
    expect(metrics).toMatch(/reverify_quota_refusals_total\{rule="recipient_daily"\} [1-9]/);
  });
});
