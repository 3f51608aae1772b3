import { expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import type { AuditEvent } from '../../core/model.js';
import type { Store } from '../store.js';
import { seedOne, subject, T0 } from './entities.js';
import type { Target } from './index.js';

const HOUR = 3_600_000;

const account = async (store: Store, name: string) => {
  const id = newId();
  await store.accounts.createAccount(
    { id, name, loginName: null, permissions: {}, createdAt: T0 },
    { passwordHash: null, apiKeys: [], accessKeys: [] },
  );
  return id;
};

const event = (over: Partial<AuditEvent>): AuditEvent => ({
  id: newId(),
  at: T0,
  type: 'verification.created',
  accountId: null,
  verificationId: null,
  subjectId: null,
  detail: {},
  ...over,
});

/** What the console reads and writes: origin filters, per-account queue counts, latency, requeues, hourly counts, sign-outs. */
export const consoleContract = (t: Target) => {
  it('lists verifications by the kind of their subject, or those of no subject', async () => {
    const { a } = t();
    const order = subject({ kind: 'ssl_order' });
    const signup = subject({ kind: 'signup', number: null, baseNumber: null, domains: [], dcvEmail: null });
    expect(await a.transactor.commit({ subjects: { insert: [order, signup] } })).toEqual({ ok: true });
    const dcv = await seedOne(a, { subjectId: order.id, purpose: 'dcv' });
    const activation = await seedOne(a, { subjectId: signup.id, purpose: 'account_activation' });
    const plain = await seedOne(a);
    const list = (subjectKind: 'ssl_order' | 'signup' | 'smime_order' | 'none') =>
      a.verifications.listVerifications({ limit: 10, now: T0, subjectKind }).then((p) => p.items.map((v) => v.id));
    expect(await list('ssl_order')).toEqual([dcv.v.id]);
    expect(await list('signup')).toEqual([activation.v.id]);
    expect(await list('smime_order')).toEqual([]);
    expect(await list('none')).toEqual([plain.v.id]);
  });

  it('counts the queue per account and buckets delivery latency of sent messages', async () => {
    const { a } = t();
    const acme = await account(a, 'acme-q');
    const one = await seedOne(a, { accountId: acme });
    const two = await seedOne(a, { accountId: acme });
    await seedOne(a);
    const claimed = await a.outbox.claim('w', 10, 60_000, T0);
    expect(claimed).toHaveLength(3);
    expect(await a.outbox.complete(one.m.id, 'w', { result: 'sent', response: '250' }, T0 + 500)).toBe(true);
    expect(await a.outbox.complete(two.m.id, 'w', { result: 'sent', response: '250' }, T0 + 7000)).toBe(true);
    expect(await a.messages.queueDepth(acme)).toMatchObject({ sent: 2, sending: 0 });
    expect(await a.messages.queueDepth()).toMatchObject({ sent: 2, sending: 1 });
    const bounds = [1000, 5000, 60_000];
    expect(await a.messages.latencyHistogram({ sentSince: T0, boundsMs: bounds })).toEqual([1, 0, 1, 0]);
    expect(await a.messages.latencyHistogram({ sentSince: T0 + 1000, boundsMs: bounds })).toEqual([0, 0, 1, 0]);
    expect(await a.messages.latencyHistogram({ sentSince: T0, accountId: 'other', boundsMs: bounds })).toEqual([0, 0, 0, 0]);
  });

  it('requeues a failed message once, with its event, and nothing that is not failed', async () => {
    const { a, b } = t();
    const failed = await seedOne(a);
    const sent = await seedOne(a);
    await a.outbox.claim('w', 10, 60_000, T0);
    await a.outbox.complete(failed.m.id, 'w', { result: 'failed', error: 'abandoned after 5 attempts', abandoned: true }, T0 + 10);
    await a.outbox.complete(sent.m.id, 'w', { result: 'sent', response: '250' }, T0 + 10);
    const requeued = event({ type: 'message.requeued', verificationId: failed.v.id });
    const results = await Promise.all([
      a.messages.requeueFailed(failed.m.id, T0 + 100, requeued),
      b.messages.requeueFailed(failed.m.id, T0 + 100, { ...requeued, id: newId() }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await a.messages.getMessage(failed.m.id)).toMatchObject({ status: 'queued', abandoned: false, nextAttemptAt: T0 + 100 });
    expect(await a.messages.requeueFailed(sent.m.id, T0 + 100, event({}))).toBe(false);
    expect(await a.messages.getMessage(sent.m.id)).toMatchObject({ status: 'sent' });
    const events = await a.audit.listEvents({ verificationId: failed.v.id, types: ['message.requeued'], limit: 10 });
    expect(events).toHaveLength(1);
    // The next attempt continues the log.
    const again = await a.outbox.claim('w', 10, 60_000, T0 + 100);
    expect(again.map((m) => [m.id, m.attempts])).toEqual([[failed.m.id, 2]]);
  });

  it('counts events per UTC hour and type, refusals by what they stand for, per account', async () => {
    const { a } = t();
    const acme = await account(a, 'acme-h');
    await a.audit.append([
      event({ at: T0 + 10, accountId: acme }),
      event({ at: T0 + HOUR - 1, accountId: acme }),
      event({ at: T0 + HOUR + 5, type: 'verification.confirmed', accountId: acme }),
      event({ at: T0 + 2 * HOUR, type: 'verification.resent' }),
      event({ at: T0 - 1 }),
    ]);
    for (let i = 0; i < 3; i++)
      await a.audit.countRefusal({
        id: newId(),
        type: 'quota.refused',
        at: T0 + HOUR + 100 + i,
        accountId: acme,
        verificationId: null,
        subjectId: null,
        key: 'cooldown',
        detail: {},
      });
    const types = ['verification.created', 'verification.resent', 'verification.confirmed', 'quota.refused'];
    const all = await a.audit.countByHour({ types, since: T0 });
    expect(all).toEqual(
      expect.arrayContaining([
        { type: 'verification.created', hour: T0, count: 2 },
        { type: 'verification.confirmed', hour: T0 + HOUR, count: 1 },
        { type: 'quota.refused', hour: T0 + HOUR, count: 3 },
        { type: 'verification.resent', hour: T0 + 2 * HOUR, count: 1 },
      ]),
    );
    expect(all).toHaveLength(4);
    expect(await a.audit.countByHour({ types, since: T0, accountId: acme })).toHaveLength(3);
    expect(await a.audit.countByHour({ types: ['verification.confirmed'], since: T0 + 2 * HOUR })).toEqual([]);
  });

  it('tells whether a nonce is recorded without recording one', async () => {
    const { a, b } = t();
    expect(await a.nonces.isRecorded('signed-out:1', T0)).toBe(false);
    expect(await a.nonces.use('signed-out:1', T0, T0 + 1000)).toBe(true);
    expect(await b.nonces.isRecorded('signed-out:1', T0 + 999)).toBe(true);
    expect(await b.nonces.isRecorded('signed-out:1', T0 + 1000)).toBe(false);
    expect(await a.nonces.isRecorded('signed-out:2', T0)).toBe(false);
    expect(await a.nonces.use('signed-out:2', T0, T0 + 10)).toBe(true);
  });
};
