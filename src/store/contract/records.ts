import { expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import { seedOne, T0 } from './entities.js';
import type { Target } from './index.js';

/** Nonces, DCV memory, the audit log and the captured inbox. */
export const recordsContract = (t: Target) => {
  it('nonces: used once until they expire, then usable again; pruned', async () => {
    const { a } = t();
    expect(await a.nonces.use('n1', T0, T0 + 1000)).toBe(true);
    expect(await a.nonces.use('n1', T0 + 999, T0 + 2000)).toBe(false);
    expect(await a.nonces.use('n1', T0 + 1000, T0 + 3000)).toBe(true);
    expect(await a.nonces.use('n2', T0, T0 + 10)).toBe(true);
    expect(await a.nonces.prune(T0 + 10)).toBe(1);
    expect(await a.nonces.use('n2', T0, T0 + 10)).toBe(true);
  });

  it('queued requests: claimed under a lease, taken over once it expires, finished by the owner only', async () => {
    const { a } = t();
    const req = (i: number) => ({ id: `0000${i}`, kind: 'k', sealed: `s${i}`, ip: i % 2 ? '10.0.0.1' : null, receivedAt: T0 + i });
    for (let i = 1; i <= 3; i++) await a.requests.enqueue(req(i));
    expect(await a.requests.depth()).toBe(3);
    expect(await a.requests.claim('w1', 2, 1000, T0)).toEqual([req(1), req(2)]);
    expect(await a.requests.claim('w2', 5, 1000, T0 + 10)).toEqual([req(3)]);
    expect(await a.requests.claim('w2', 5, 1000, T0 + 10)).toEqual([]);
    await a.requests.finish('w2', ['00001']);
    expect(await a.requests.depth()).toBe(3);
    expect((await a.requests.claim('w2', 5, 1000, T0 + 1001)).map((r) => r.id)).toEqual(['00001', '00002']);
    await a.requests.finish('w2', ['00001', '00002', '00003']);
    expect(await a.requests.depth()).toBe(0);
  });

  it('DCV offers are remembered per account, address and domain; DNS fixtures are upserted', async () => {
    const { a } = t();
    const acct = newId();
    await a.accounts.createAccount(
      { id: acct, name: 'dcv', loginName: null, permissions: {}, createdAt: T0 },
      { passwordHash: null, apiKeys: [], accessKeys: [] },
    );
    await a.dcv.recordDcvOffers(acct, 'example.com', ['Admin@Example.com', 'admin@example.com'], T0);
    expect(await a.dcv.dcvOfferedDomains(acct, 'admin@example.com', ['example.com', 'other.com'], T0 - 1)).toEqual(['example.com']);
    expect(await a.dcv.dcvOfferedDomains(acct, 'admin@example.com', ['example.com'], T0)).toEqual([]);
    await a.dcv.recordDcvOffers(acct, 'example.com', ['admin@example.com'], T0 + 50);
    expect(await a.dcv.dcvOfferedDomains(acct, 'admin@example.com', ['example.com'], T0)).toEqual(['example.com']);
    expect(await a.dcv.getDnsFixture('example.org')).toBeNull();
    await a.dcv.putDnsFixtures({ 'example.org': { txt: ['a@example.org'], caa: [] } });
    await a.dcv.putDnsFixtures({ 'example.org': { txt: ['b@example.org'], caa: ['c@example.org'] } });
    expect(await a.dcv.getDnsFixture('example.org')).toEqual({ txt: ['b@example.org'], caa: ['c@example.org'] });
  });

  it('audit: events appended and listed newest first by filter; refusals counted in one row per bucket; pruned by age', async () => {
    const { a } = t();
    const [v1, v2] = [(await seedOne(a)).v.id, (await seedOne(a)).v.id];
    const ev = (type: string, at: number, verificationId: string | null = null) => ({
      id: newId(),
      at,
      type,
      accountId: null,
      verificationId,
      subjectId: null,
      detail: { n: at },
    });
    await a.audit.append([ev('x.one', T0, v1), ev('x.two', T0 + 1, v2)]);
    await a.audit.append([ev('x.three', T0 + 2, v1)]);
    expect((await a.audit.listEvents({ limit: 10 })).map((e) => e.type)).toEqual(['x.three', 'x.two', 'x.one']);
    expect((await a.audit.listEvents({ verificationId: v1, limit: 10 })).map((e) => e.type)).toEqual(['x.three', 'x.one']);
    expect((await a.audit.listEvents({ verificationId: v1, limit: 1 })).map((e) => e.type)).toEqual(['x.three']);
    expect((await a.audit.listEvents({ verificationId: v2, limit: 10 })).map((e) => e.type)).toEqual(['x.two']);
    expect((await a.audit.listEvents({ types: ['x.two'], limit: 10 })).map((e) => e.detail)).toEqual([{ n: T0 + 1 }]);
    expect((await a.audit.listEvents({ since: T0 + 1, limit: 10 })).map((e) => e.type)).toEqual(['x.three', 'x.two']);
    const refusal = {
      type: 'quota.refused',
      accountId: null,
      verificationId: v1,
      subjectId: null,
      key: 'cooldown',
      detail: { rule: 'cooldown' },
    };
    for (let i = 0; i < 5; i++) await a.audit.countRefusal({ ...refusal, id: newId(), at: T0 + 10 + i });
    await a.audit.countRefusal({ ...refusal, id: newId(), at: T0 + 3600_000 });
    const refusals = await a.audit.listEvents({ types: ['quota.refused'], limit: 10 });
    expect(refusals.map((e) => [e.at, e.count ?? 1])).toEqual([
      [T0 + 3600_000, 1],
      [T0 + 10, 5],
    ]);
    // A verification's refusal counts are found with its other events.
    expect((await a.audit.listEvents({ verificationId: v1, limit: 10 })).map((e) => e.type)).toEqual([
      'quota.refused',
      'quota.refused',
      'x.three',
      'x.one',
    ]);
    expect(await a.audit.prune(T0 + 3)).toBe(3);
    expect(await a.audit.listEvents({ limit: 10 })).toHaveLength(2);
  });

  it('captured inbox: one copy per outbox message, newest first, by recipient and account', async () => {
    const { a } = t();
    const acct = newId();
    await a.accounts.createAccount(
      { id: acct, name: 'inbox', loginName: null, permissions: {}, createdAt: T0 },
      { passwordHash: null, apiKeys: [], accessKeys: [] },
    );
    const mail = (id: string, to: string, accountId: string | null = null) => ({
      id,
      accountId,
      to,
      sealed: `sealed:${id}`,
      capturedAt: T0,
    });
    const [x, y, z] = [newId(), newId(), newId()];
    await a.inbox.capture(mail(x, 'x@example.com'));
    await a.inbox.capture(mail(y, 'y@example.com'));
    await a.inbox.capture({ ...mail(x, 'x@example.com'), sealed: 'again' });
    await a.inbox.capture(mail(z, 'x@example.com', acct));
    expect((await a.inbox.listInbox({ limit: 10 })).items.map((m) => m.id)).toEqual([z, y, x]);
    expect((await a.inbox.listInbox({ limit: 10, to: 'x@example.com' })).items.map((m) => m.id)).toEqual([z, x]);
    expect((await a.inbox.listInbox({ limit: 10, accountId: acct })).items.map((m) => m.id)).toEqual([z]);
    expect(await a.inbox.getCaptured(x)).toEqual(mail(x, 'x@example.com'));
    expect(await a.inbox.getCaptured('missing')).toBeNull();
  });
};
