import { expect, it } from 'vitest';
import { seedOne, T0 } from './entities.js';
import type { Target } from './index.js';

/** The courier's outbox: leases, completions by the lease owner only, the attempt log and the queue's shape. */
export const outboxContract = (t: Target) => {
  it('claims are leases: one owner at a time, taken over once expired, with the lost attempt recorded', async () => {
    const { a } = t();
    const { v, t: tok, m } = await seedOne(a);
    const claimed = await a.outbox.claim('a', 10, 1000, T0);
    expect(claimed.map((x) => x.id)).toEqual([m.id]);
    expect(claimed[0]).toMatchObject({ status: 'sending', attempts: 1, leaseOwner: 'a', verificationState: v.state });
    expect(claimed[0]?.token).toEqual({ sealed: tok.sealed, usedAt: null, expiresAt: tok.expiresAt });
    expect(await a.outbox.claim('b', 10, 1000, T0 + 500)).toEqual([]);
    const taken = await a.outbox.claim('b', 10, 1000, T0 + 1001);
    expect(taken[0]).toMatchObject({ id: m.id, attempts: 2, leaseOwner: 'b' });
    expect(await a.outbox.complete(m.id, 'a', { result: 'sent', response: '250' }, T0 + 1100)).toBe(false);
    expect(await a.outbox.complete(m.id, 'b', { result: 'sent', response: '250 ok' }, T0 + 1200)).toBe(true);
    expect(await a.messages.getMessage(m.id)).toMatchObject({
      status: 'sent',
      response: '250 ok',
      sentAt: T0 + 1200,
      leaseOwner: null,
    });
    expect((await a.messages.attemptsOf(m.id)).map((x) => [x.number, x.result])).toEqual([
      [1, 'lost'],
      [2, 'sent'],
    ]);
    expect(await a.outbox.claim('c', 10, 1000, T0 + 99_999)).toEqual([]);
    expect(await a.outbox.nextDueAt()).toBeNull();
  });

  it('deferred messages wait for their time; failures and suppression end them', async () => {
    const { a } = t();
    const one = await seedOne(a);
    const two = await seedOne(a);
    await a.outbox.claim('w', 10, 1000, T0);
    expect(await a.outbox.nextDueAt()).toBe(T0 + 1000);
    expect(await a.outbox.complete(one.m.id, 'w', { result: 'deferred', error: '451 later', nextAttemptAt: T0 + 5000 }, T0)).toBe(true);
    expect(await a.outbox.complete(two.m.id, 'w', { result: 'failed', error: '550 no', abandoned: false }, T0)).toBe(true);
    expect(await a.outbox.nextDueAt()).toBe(T0 + 5000);
    expect(await a.outbox.claim('w', 10, 1000, T0 + 4999)).toEqual([]);
    const again = await a.outbox.claim('w', 10, 1000, T0 + 5000);
    expect(again.map((x) => x.id)).toEqual([one.m.id]);
    expect(await a.outbox.suppress(one.m.id, 'x', 'not the owner', T0 + 5001)).toBe(false);
    expect(await a.outbox.suppress(one.m.id, 'w', 'verification is confirmed', T0 + 5001)).toBe(true);
    expect(await a.messages.queueDepth()).toMatchObject({ failed: 1, suppressed: 1, queued: 0, sending: 0, sent: 0, deferred: 0 });
    expect((await a.messages.listMessages({ limit: 10, status: 'failed' })).items.map((x) => x.id)).toEqual([two.m.id]);
    expect((await a.messages.listMessages({ limit: 10, verificationId: one.v.id })).items.map((x) => x.id)).toEqual([one.m.id]);
    expect((await a.messages.attemptsOf(one.m.id)).map((x) => x.result)).toEqual(['deferred', 'failed']);
  });

  it('claims oldest-due first and at most the limit', async () => {
    const { a } = t();
    const seeded = [];
    for (let i = 0; i < 4; i++) seeded.push(await seedOne(a));
    const first = await a.outbox.claim('w', 3, 1000, T0);
    expect(first).toHaveLength(3);
    expect((await a.outbox.claim('w', 3, 1000, T0)).map((x) => x.id)).toHaveLength(1);
  });

  it('a success after failures clears the last error; the attempt log keeps them', async () => {
    const { a } = t();
    const { m } = await seedOne(a);
    await a.outbox.claim('w', 1, 1000, T0);
    await a.outbox.complete(m.id, 'w', { result: 'deferred', error: '451 busy', nextAttemptAt: T0 + 10 }, T0);
    expect((await a.messages.getMessage(m.id))?.lastError).toBe('451 busy');
    await a.outbox.claim('w', 1, 1000, T0 + 10);
    await a.outbox.complete(m.id, 'w', { result: 'sent', response: '250 ok' }, T0 + 11);
    expect(await a.messages.getMessage(m.id)).toMatchObject({ status: 'sent', lastError: null, response: '250 ok' });
    expect((await a.messages.attemptsOf(m.id)).map((x) => [x.result, x.response])).toEqual([
      ['deferred', '451 busy'],
      ['sent', '250 ok'],
    ]);
  });

  it('claims leave a full destination alone and give each destination at most its room', async () => {
    const { a } = t();
    const slow = [];
    for (let i = 0; i < 6; i++) slow.push((await seedOne(a, { recipient: `u${i}@slow.example`, createdAt: T0 + i })).m);
    const fine = [];
    for (let i = 0; i < 3; i++) fine.push((await seedOne(a, { recipient: `u${i}@fine.example` })).m);
    const room = { perDestination: { email: 2, webhook: 1 }, left: {} };
    const first = await a.outbox.claim('w', 10, 1000, T0, room);
    expect(first.filter((m) => m.destination === 'slow.example')).toHaveLength(2);
    expect(first.filter((m) => m.destination === 'fine.example')).toHaveLength(2);
    // slow.example is full here: the next claim takes only fine.example's last message.
    const second = await a.outbox.claim('w', 10, 1000, T0, { ...room, left: { 'slow.example': 0, 'fine.example': 1 } });
    expect(second.map((m) => m.destination)).toEqual(['fine.example']);
    expect(await a.outbox.claim('w', 10, 1000, T0, { ...room, left: { 'slow.example': 0, 'fine.example': 0 } })).toEqual([]);
    // Without a room, everything due is taken.
    expect(await a.outbox.claim('x', 10, 1000, T0)).toHaveLength(4);
  });

  it('queue age: how long the oldest due message of each channel has waited', async () => {
    const { a } = t();
    expect(await a.messages.queueAge(T0)).toEqual({ email: 0, webhook: 0 });
    await seedOne(a);
    expect(await a.messages.queueAge(T0 + 5000)).toEqual({ email: 5000, webhook: 0 });
    expect((await a.messages.listMessages({ limit: 10, channel: 'email' })).items).toHaveLength(1);
    expect((await a.messages.listMessages({ limit: 10, channel: 'webhook' })).items).toHaveLength(0);
  });
};
