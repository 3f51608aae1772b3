import { afterEach, describe, expect, it } from 'vitest';
import { login, sectigo, seedSectigo } from '../../../test/helpers/sectigo-fixture.js';
import { ManualClock, startService, type TestService } from '../../../test/helpers/service.js';

/** The core state of an order, without ids and times, which differ between two services. */
const coreState = async (svc: TestService, orderNumber: string) => {
  const accountId = (await svc.rt.accounts.resolve('acme')).id;
  const order = await svc.rt.store.subjects.findSubjectByNumber(accountId, ['smime_order', 'ssl_order'], orderNumber);
  const vs = await svc.rt.store.verifications.verificationsOfSubject(order?.id ?? '');
  return Promise.all(
    vs.map(async (v) => ({
      recipient: v.recipient,
      purpose: v.purpose,
      scope: v.scope,
      state: v.state,
      locale: v.locale,
      sendCount: v.sendCount,
      version: v.version,
      tokens: (await svc.rt.store.verifications.tokensOf(v.id)).map((t) => ({
        used: t.usedAt !== null,
        sealed: t.sealed !== null,
        expiresAt: t.expiresAt,
      })),
      messages: (await svc.rt.store.messages.listMessages({ verificationId: v.id, limit: 10 })).items.map((m) => [
        m.recipient,
        m.status,
        m.purpose,
        m.data,
      ]),
      events: (await svc.rt.store.audit.listEvents({ verificationId: v.id, limit: 10 })).map((e) => e.type),
    })),
  );
};

describe('the same resend through Sectigo and through the native API', () => {
  const services: TestService[] = [];
  afterEach(async () => {
    for (const s of services.splice(0)) await s.close();
  });

  const start = async () => {
    const svc = await startService({ resendCooldown: 0 }, { courier: false, clock: new ManualClock() });
    services.push(svc);
    await seedSectigo(svc);
    return svc;
  };

  it('S/MIME: leaves the same core state', async () => {
    const [viaSectigo, viaNative] = [await start(), await start()];
    expect((await sectigo(viaSectigo, 'ResendVerificationEmailSMIME', { ...login, orderNumber: '123456789' })).body).toBe('0');
    const key = (await viaNative.call('POST', '/v1/accounts/acme/keys', {})).json.key;
    const order = (await viaNative.call('GET', '/v1/orders?limit=100', undefined, key)).json.items.find(
      (o: { order_number: string }) => o.order_number === '123456789',
    );
    for (const v of (await viaNative.call('GET', `/v1/orders/${order.id}`, undefined, key)).json.verifications) {
      expect((await viaNative.call('POST', `/v1/verifications/${v.id}/resend`, undefined, key)).status).toBe(202);
    }
    expect(await coreState(viaNative, '123456789')).toEqual(await coreState(viaSectigo, '123456789'));
  });

  it('DCV: leaves the same core state', async () => {
    const [viaSectigo, viaNative] = [await start(), await start()];
    expect((await sectigo(viaSectigo, 'ResendDCVEmail', { ...login, orderNumber: '1234567' })).body).toBe('errorCode=0');
    const key = (await viaNative.call('POST', '/v1/accounts/acme/keys', {})).json.key;
    const order = (await viaNative.call('GET', '/v1/orders?limit=100', undefined, key)).json.items.find(
      (o: { order_number: string }) => o.order_number === '1234567',
    );
    const [v] = (await viaNative.call('GET', `/v1/orders/${order.id}`, undefined, key)).json.verifications;
    expect((await viaNative.call('POST', `/v1/verifications/${v.id}/resend`, undefined, key)).status).toBe(202);
    expect(await coreState(viaNative, '1234567')).toEqual(await coreState(viaSectigo, '1234567'));
  });
});
