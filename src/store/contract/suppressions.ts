import { expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import { MAX_BOUNCES_PER_MESSAGE, type Suppression } from '../../core/suppressions/port.js';
import { announceVerification } from '../../core/webhooks/events.js';
import { message, seedOne, T0, verification } from './entities.js';
import type { Target } from './index.js';
import { account, endpoint } from './webhooks.js';

const suppression = (accountId: string | null, address: string, over: Partial<Suppression> = {}): Suppression => ({
  id: newId(),
  accountId,
  address,
  reason: 'hard_bounce',
  messageId: null,
  detail: '5.1.1',
  createdAt: T0,
  ...over,
});

const bounce = (messageId: string, kind: 'hard' | 'soft', at = T0) => ({
  messageId,
  kind,
  status: kind === 'hard' ? '5.1.1' : '4.2.2',
  diagnostic: 'x',
  receivedAt: at,
});

/** Bounces and suppression lists: the batch refuses suppressed recipients inside its transaction. */
export const suppressionContract = (t: Target) => {
  it('a hard bounce marks the message, suppresses the address for its account and announces, once; soft ones are recorded only', async () => {
    const { a } = t();
    const acct = await account(a);
    const hook = endpoint(acct, ['message.bounced']);
    await a.webhooks.addEndpoint(hook);
    const { m, v } = await seedOne(a, { accountId: acct, recipient: 'Gone@example.com' });
    expect(await a.suppressions.recordBounce(bounce(m.id, 'soft'), null)).toBe('recorded');
    expect((await a.messages.getMessage(m.id))?.status).toBe('queued');
    expect((await a.suppressions.listSuppressions({ limit: 10 })).items).toEqual([]);
    const entry = suppression(acct, 'gone@example.com', { messageId: m.id });
    const effects = {
      suppression: entry,
      events: [{ id: newId(), at: T0, type: 'message.bounced', accountId: acct, verificationId: v.id, subjectId: null, detail: {} }],
      announce: [{ ...announceVerification(newId(), 'verification.created', v, T0), type: 'message.bounced' as const }],
    };
    expect(await a.suppressions.recordBounce(bounce(m.id, 'hard'), effects)).toBe('recorded');
    expect(await a.messages.getMessage(m.id)).toMatchObject({ status: 'bounced', lastError: 'bounced: 5.1.1' });
    expect((await a.suppressions.listSuppressions({ accountId: acct, limit: 10 })).items).toEqual([entry]);
    expect((await a.messages.listMessages({ limit: 10, channel: 'webhook' })).items).toHaveLength(1);
    expect((await a.audit.listEvents({ types: ['message.bounced'], limit: 10 })).map((e) => e.verificationId)).toEqual([v.id]);
    expect((await a.audit.listEvents({ verificationId: v.id, limit: 10 })).map((e) => e.type)).toEqual(['message.bounced']);
    // The same bounce again changes nothing.
    const again = { ...effects, suppression: suppression(acct, 'gone@example.com'), announce: [{ ...effects.announce[0]!, id: newId() }] };
    expect(await a.suppressions.recordBounce(bounce(m.id, 'hard'), again)).toBe('duplicate');
    expect((await a.suppressions.listSuppressions({ limit: 10 })).items).toEqual([entry]);
    expect((await a.messages.listMessages({ limit: 10, channel: 'webhook' })).items).toHaveLength(1);
    expect((await a.suppressions.bouncesOf(m.id)).map((b) => b.kind)).toEqual(['soft', 'hard']);
  });

  it('bounces kept per message are bounded; the hard bounce that ends a message is always kept', async () => {
    const { a } = t();
    const { m } = await seedOne(a);
    for (let i = 0; i < MAX_BOUNCES_PER_MESSAGE; i++)
      expect(await a.suppressions.recordBounce(bounce(m.id, 'soft', T0 + i), null)).toBe('recorded');
    expect(await a.suppressions.recordBounce(bounce(m.id, 'soft'), null)).toBe('limit');
    const hard = { suppression: suppression(null, 'a@example.com'), events: [], announce: [] };
    expect(await a.suppressions.recordBounce(bounce(m.id, 'hard'), hard)).toBe('recorded');
    expect(await a.suppressions.bouncesOf(m.id)).toHaveLength(MAX_BOUNCES_PER_MESSAGE + 1);
  });

  it('a batch mailing a suppressed address of its account is refused whole; other accounts and lifted entries pass', async () => {
    const { a, b } = t();
    const acct = await account(a);
    const { m } = await seedOne(a, { accountId: acct });
    await a.suppressions.recordBounce(bounce(m.id, 'hard'), { suppression: suppression(acct, 'a@example.com'), events: [], announce: [] });
    const send = (accountId: string | null, recipient: string) => {
      const v = verification({ accountId, recipient });
      return { v, batch: { verifications: { insert: [v] }, messages: [message(v)] } };
    };
    const refused = send(acct, 'A@example.com');
    expect(await b.transactor.commit(refused.batch)).toEqual({ ok: false, reason: 'suppressed', recipients: ['A@example.com'] });
    expect(await b.verifications.getVerification(refused.v.id)).toBeNull();
    expect(await b.transactor.commit(send(null, 'a@example.com').batch)).toEqual({ ok: true });
    expect(await b.transactor.commit(send(await account(a), 'a@example.com').batch)).toEqual({ ok: true });
    expect(await b.suppressions.liftSuppression(acct, 'a@example.com')).toBe(true);
    expect(await b.suppressions.liftSuppression(acct, 'a@example.com')).toBe(false);
    expect(await a.transactor.commit(send(acct, 'a@example.com').batch)).toEqual({ ok: true });
  });

  it('lists: per account, the no-account list, by address, newest first with a cursor; claims tell of a suppression since queueing', async () => {
    const { a } = t();
    const acct = await account(a);
    const queued = await seedOne(a, { accountId: acct, recipient: 'late@example.com' });
    const entries = [suppression(acct, 'one@example.com'), suppression(null, 'two@example.com'), suppression(acct, 'late@example.com')];
    for (const [i, e] of entries.entries()) {
      const { m } = await seedOne(a, { accountId: e.accountId, recipient: `x${i}@example.com` });
      await a.suppressions.recordBounce(bounce(m.id, 'hard'), { suppression: e, events: [], announce: [] });
    }
    const list = a.suppressions.listSuppressions.bind(a.suppressions);
    expect((await list({ accountId: acct, limit: 10 })).items.map((x) => x.address)).toEqual(['late@example.com', 'one@example.com']);
    expect((await list({ accountId: null, limit: 10 })).items.map((x) => x.address)).toEqual(['two@example.com']);
    expect((await list({ address: 'one@example.com', limit: 10 })).items).toHaveLength(1);
    const first = await list({ limit: 2 });
    expect((await list({ limit: 2, cursor: first.nextCursor ?? undefined })).items.map((x) => x.address)).toEqual(['one@example.com']);
    const claimed = await a.outbox.claim('w', 10, 1000, T0);
    expect(claimed.find((c) => c.id === queued.m.id)?.recipientSuppressed).toBe(true);
    expect(claimed.filter((c) => c.recipientSuppressed)).toHaveLength(1);
  });
};
