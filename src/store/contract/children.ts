import { expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import type { AuditEvent, Message, TokenRecord, Verification } from '../../core/model.js';
import { announceVerification } from '../../core/webhooks/events.js';
import type { Store } from '../store.js';
import { bump, message, seedOne, T0, token } from './entities.js';
import type { Target } from './index.js';
import { account, endpoint } from './webhooks.js';

const event = (type: string, v: Verification, at: number): AuditEvent => ({
  id: newId(),
  at,
  type,
  accountId: v.accountId,
  verificationId: v.id,
  subjectId: null,
  detail: {},
});

interface Sent {
  v: Verification;
  tokens: TokenRecord[];
  messages: Message[];
  events: AuditEvent[];
}

/** A resend as the core commits it: the verification moves to a new token, the old one is retired. */
const resend = async (store: Store, s: Sent, at: number): Promise<void> => {
  const fresh = token(s.v.id, { createdAt: at });
  const after = bump(s.v, { currentTokenId: fresh.id, sendCount: s.v.sendCount + 1, updatedAt: at });
  const retired = { ...(s.tokens.at(-1) as TokenRecord), sealed: null };
  const m = message(after, { createdAt: at });
  const e = event('verification.resent', s.v, at);
  const result = await store.transactor.commit({
    verifications: { update: [{ before: s.v, after }] },
    tokens: { insert: [fresh], update: [retired] },
    messages: [m],
    events: [e],
    announce: [announceVerification(newId(), 'verification.created', after, at)],
  });
  expect(result).toEqual({ ok: true });
  Object.assign(s, { v: after, tokens: [...s.tokens, fresh], messages: [...s.messages, m], events: [...s.events, e] });
};

/** A verification's tokens, messages and events, however each was written. */
export const childrenContract = (t: Target) => {
  it("a verification's tokens, messages and events: every one whatever wrote it, none of another's, newest first, paged", async () => {
    const { a, b } = t();
    const acct = await account(a);
    const hook = endpoint(acct, ['verification.created']);
    await a.webhooks.addEndpoint(hook);
    const sent: Sent[] = [];
    for (const store of [a, b]) {
      const { v, t: first, m } = await seedOne(store, { accountId: acct });
      sent.push({ v, tokens: [first], messages: [m], events: [] });
    }
    const [one, two] = sent as [Sent, Sent];
    // Interleaved, through both nodes, so neither's children sit together.
    for (let i = 1; i <= 4; i++) {
      await resend(a, one, T0 + i);
      await resend(b, two, T0 + i);
    }
    // One batch with several children of each verification, interleaved.
    const batch = {
      messages: [message(one.v), message(two.v), message(one.v)],
      events: [event('x.batch', one.v, T0 + 5), event('x.batch', two.v, T0 + 5), event('x.batch.again', one.v, T0 + 5)],
    };
    expect(await b.transactor.commit(batch)).toEqual({ ok: true });
    one.messages.push(batch.messages[0] as Message, batch.messages[2] as Message);
    two.messages.push(batch.messages[1] as Message);
    one.events.push(batch.events[0] as AuditEvent, batch.events[2] as AuditEvent);
    two.events.push(batch.events[1] as AuditEvent);
    // Events written outside a command's batch, and a refusal count (a requeue's and a bounce's: console.ts, suppressions.ts).
    const appended = event('x.noted', one.v, T0 + 10);
    await b.audit.append([appended, event('x.noted', two.v, T0 + 10)]);
    await a.audit.countRefusal({ ...event('quota.refused', one.v, T0 + 11), key: 'cooldown' });
    // Two writes for one verification, sent together: the group commit runs them in one transaction.
    await Promise.all([a.audit.append([event('x.later', one.v, T0 + 12)]), a.audit.append([event('x.last', one.v, T0 + 13)])]);

    const ids = (xs: { id: string }[]) => xs.map((x) => x.id);
    const newestFirst = (xs: { id: string }[]) => ids(xs).sort().reverse();
    for (const s of sent) {
      expect(ids(await a.verifications.tokensOf(s.v.id))).toEqual(ids(s.tokens).sort());
      const emails = await b.messages.listMessages({ verificationId: s.v.id, channel: 'email', limit: 100 });
      expect(ids(emails.items)).toEqual(newestFirst(s.messages));
      const deliveries = await a.messages.listMessages({ verificationId: s.v.id, channel: 'webhook', limit: 100 });
      expect(deliveries.items).toHaveLength(4);
      expect(deliveries.items.every((d) => d.verificationId === s.v.id)).toBe(true);
    }
    // Paged along the chain: two at a time, nothing twice, nothing left out.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await a.messages.listMessages({ verificationId: one.v.id, channel: 'email', limit: 2, cursor });
      paged.push(...ids(page.items));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(newestFirst(one.messages));

    const events = await b.audit.listEvents({ verificationId: one.v.id, limit: 100 });
    expect(events.map((e) => e.type)).toEqual([
      'x.last',
      'x.later',
      'quota.refused',
      'x.noted',
      ...one.events.map((e) => e.type).reverse(),
    ]);
    expect(events.every((e) => e.verificationId === one.v.id)).toBe(true);
    expect((await a.audit.listEvents({ verificationId: one.v.id, types: ['x.noted'], limit: 10 })).map((e) => e.id)).toEqual([appended.id]);
    expect((await a.audit.listEvents({ verificationId: two.v.id, limit: 100 })).map((e) => e.type)).toEqual([
      'x.noted',
      ...two.events.map((e) => e.type).reverse(),
    ]);
    expect(await a.verifications.tokensOf(newId())).toEqual([]);
    expect((await a.messages.listMessages({ verificationId: newId(), limit: 10 })).items).toEqual([]);
  });
};
