import { expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import { announceVerification, type WebhookEventType } from '../../core/webhooks/events.js';
import type { WebhookEndpoint } from '../../core/webhooks/port.js';
import type { Store } from '../store.js';
import { seedOne, T0, verification } from './entities.js';
import type { Target } from './index.js';

export const account = async (store: Store, name = `acct-${newId()}`) => {
  const id = newId();
  await store.accounts.createAccount(
    { id, name, loginName: null, permissions: {}, createdAt: T0 },
    { passwordHash: null, apiKeys: [], accessKeys: [] },
  );
  return id;
};

export const endpoint = (accountId: string, events: WebhookEventType[], over: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: newId(),
  accountId,
  url: 'https://hooks.example/in',
  events,
  sealedSecret: 'sealed',
  createdAt: T0,
  deletedAt: null,
  ...over,
});

/** Webhook endpoints, and announcements expanded into deliveries inside the batch that commits them. */
export const webhookContract = (t: Target) => {
  it('endpoints: stored with their subscriptions, listed newest first per account, deleted once', async () => {
    const { a } = t();
    const acct = await account(a);
    const other = await account(a);
    const one = endpoint(acct, ['verification.created']);
    const two = endpoint(acct, ['message.sent', 'message.failed'], { url: 'https://two.example/' });
    const theirs = endpoint(other, ['message.sent']);
    for (const e of [one, two, theirs]) await a.webhooks.addEndpoint(e);
    expect(await a.webhooks.getEndpoint(one.id)).toEqual(one);
    expect((await a.webhooks.listEndpoints({ accountId: acct, limit: 10 })).items.map((e) => e.id)).toEqual([two.id, one.id]);
    expect((await a.webhooks.listEndpoints({ limit: 10 })).items).toHaveLength(3);
    expect(await a.webhooks.deleteEndpoint(other, one.id, T0 + 1)).toBe(false);
    expect(await a.webhooks.deleteEndpoint(acct, one.id, T0 + 1)).toBe(true);
    expect(await a.webhooks.deleteEndpoint(acct, one.id, T0 + 2)).toBe(false);
    expect((await a.webhooks.getEndpoint(one.id))?.deletedAt).toBe(T0 + 1);
    expect((await a.webhooks.listEndpoints({ accountId: acct, limit: 10 })).items.map((e) => e.id)).toEqual([two.id]);
  });

  it('an announcement in a batch becomes one delivery per subscribed endpoint of its account, in the same transaction', async () => {
    const { a } = t();
    const acct = await account(a);
    const subscribed = endpoint(acct, ['verification.created', 'verification.confirmed']);
    const elsewhere = endpoint(acct, ['message.sent']);
    const deleted = endpoint(acct, ['verification.created']);
    const otherAccount = endpoint(await account(a), ['verification.created']);
    for (const e of [subscribed, elsewhere, deleted, otherAccount]) await a.webhooks.addEndpoint(e);
    await a.webhooks.deleteEndpoint(acct, deleted.id, T0);
    const v = verification({ accountId: acct });
    const created = announceVerification(newId(), 'verification.created', v, T0);
    expect(await a.transactor.commit({ verifications: { insert: [v] }, announce: [created] })).toEqual({ ok: true });
    const deliveries = (await a.messages.listMessages({ limit: 10, channel: 'webhook' })).items;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      id: `${created.id}.${subscribed.id}`,
      channel: 'webhook',
      destination: subscribed.id,
      recipient: subscribed.id,
      verificationId: v.id,
      accountId: acct,
      messageId: created.id,
      status: 'queued',
      data: { type: 'verification.created', body: created.body },
    });
    // A refused batch queues no delivery.
    const stale = announceVerification(newId(), 'verification.confirmed', v, T0);
    const conflict = await a.transactor.commit({ verifications: { insert: [v] }, announce: [stale] });
    expect(conflict).toEqual({ ok: false, reason: 'conflict' });
    expect((await a.messages.listMessages({ limit: 10, channel: 'webhook' })).items).toHaveLength(1);
    // Mail of no account announces to nobody.
    const anonymous = verification();
    await a.transactor.commit({
      verifications: { insert: [anonymous] },
      announce: [announceVerification(newId(), 'verification.created', anonymous, T0)],
    });
    expect((await a.messages.listMessages({ limit: 10, channel: 'webhook' })).items).toHaveLength(1);
  });

  it('a completed attempt announces with its outcome; a completion the lease refuses announces nothing', async () => {
    const { a } = t();
    const acct = await account(a);
    const hook = endpoint(acct, ['message.sent']);
    await a.webhooks.addEndpoint(hook);
    const { m, v } = await seedOne(a, { accountId: acct });
    await a.outbox.claim('w', 1, 1000, T0);
    const sent = { ...announceVerification(newId(), 'verification.created', v, T0), type: 'message.sent' as const };
    expect(await a.outbox.complete(m.id, 'other', { result: 'sent', response: '250' }, T0, [sent])).toBe(false);
    expect((await a.messages.listMessages({ limit: 10, channel: 'webhook' })).items).toHaveLength(0);
    expect(await a.outbox.complete(m.id, 'w', { result: 'sent', response: '250' }, T0, [sent])).toBe(true);
    const [delivery] = (await a.messages.listMessages({ limit: 10, channel: 'webhook' })).items;
    expect(delivery).toMatchObject({ recipient: hook.id, data: { type: 'message.sent' } });
    // Deliveries are claimed like any message, under the endpoint's room.
    const claimed = await a.outbox.claim('w', 10, 1000, T0, { perDestination: { email: 4, webhook: 1 }, left: {} });
    expect(claimed.map((x) => [x.channel, x.destination])).toEqual([['webhook', hook.id]]);
    expect((await a.messages.listMessages({ limit: 10, channel: 'webhook', recipient: hook.id })).items).toHaveLength(1);
  });
};
