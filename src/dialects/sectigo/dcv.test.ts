import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../test/helpers/dns-server.js';
import { login, sectigo, seedSectigo } from '../../../test/helpers/sectigo-fixture.js';
import { startService, type TestService } from '../../../test/helpers/service.js';

describe('Sectigo DCV: address lists from a real DNS server, offers and resends', () => {
  let svc: TestService;
  let dns: Awaited<ReturnType<typeof startDnsServer>>;

  beforeAll(async () => {
    dns = await startDnsServer({
      txt: { '_validation-contactemail.example2.com': ['someone@example2.com', 'not an address'] },
      caa: {
        'sub.example2.com': [
          { tag: 'contactemail', value: 'caa-contact@example2.com' },
          { tag: 'issue', value: 'ca.example' },
        ],
      },
    });
    svc = await startService({ resendCooldown: 0, dnsServers: [dns.server] }, { courier: false });
    await seedSectigo(svc);
  });
  afterAll(async () => {
    await svc.close();
    dns.close();
  });

  const list = (domainName: string, extra: Record<string, string> = {}) =>
    sectigo(svc, 'GetDCVEmailAddressList', { ...login, domainName, ...extra });

  it('lists constructed addresses at the name and the registrable domain, and DNS contacts in JSON', async () => {
    const text = await list('sub.example2.com');
    expect(text.body.split('\n')).toEqual([
      '0',
      'domain_name\tsub.example2.com',
      'whois_email\tnone',
      ...['admin', 'administrator', 'webmaster', 'hostmaster', 'postmaster'].map((l) => `level2_email\t${l}@example2.com`),
      ...['admin', 'administrator', 'webmaster', 'hostmaster', 'postmaster'].map((l) => `level3_email\t${l}@sub.example2.com`),
    ]);
    const json = JSON.parse((await list('sub.example2.com', { responseFormat: '2' })).body);
    expect(json).toMatchObject({
      errorCode: 0,
      domainName: 'sub.example2.com',
      dnsTxtEmails: ['someone@example2.com'],
      caaEmails: ['caa-contact@example2.com'],
    });
  });

  it('is public-suffix aware, handles IDN names, and refuses invalid ones', async () => {
    const uk = JSON.parse((await list('www.shop.example.co.uk', { responseFormat: '2' })).body);
    expect(uk.level2Emails[0]).toBe('admin@example.co.uk');
    expect(uk.level3Emails[0]).toBe('admin@www.shop.example.co.uk');
    const idn = JSON.parse((await list('bücher.example', { responseFormat: '2' })).body);
    expect(idn.domainName).toBe('xn--bcher-kva.example');
    for (const bad of ['co.uk', 'not a name', '-bad-.example', 'a..b.com', 'localhost']) {
      expect((await list(bad)).body).toBe("-4\nThe value of the 'domainName' argument is invalid!");
    }
    expect(JSON.parse((await list('co.uk', { responseFormat: '2' })).body)).toEqual({
      errorCode: -4,
      errorMessage: "The value of the 'domainName' argument is invalid!",
      errorItem: 'domainName',
    });
  });

  it('a resend to an offered address moves the names it is allowed for, with a new value; the same address repeats it', async () => {
    const order = await svc.rt.dcv.findOrder(svc.rt.authenticator.owner((await svc.rt.accounts.resolve('acme')).id), {
      orderNumber: '1234567',
    });
    const [first] = await svc.rt.store.verifications.verificationsOfSubject(order.id);
    const dcv = (extra: Record<string, string>) => sectigo(svc, 'ResendDCVEmail', { ...login, ...extra });

    expect((await dcv({ orderNumber: '1234567', dcvEmailAddress: 'webmaster@www.example.com' })).body).toMatch(
      /errorCode=-4.*errorItem=dcvEmailAddress/,
    );
    await list('www.example.com');
    // Offered, and allowed for www.example.com only: that name moves; example.com stays with admin@.
    expect((await dcv({ orderNumber: '1234567', dcvEmailAddress: 'webmaster@www.example.com' })).body).toBe('errorCode=0');
    let vs = await svc.rt.store.verifications.verificationsOfSubject(order.id);
    expect(vs.map((v) => [v.recipient, v.scope, v.state])).toEqual([
      ['admin@example.com', ['example.com'], 'pending'],
      ['webmaster@www.example.com', ['www.example.com'], 'pending'],
    ]);
    expect(vs[1]?.currentTokenId).not.toBe(first?.currentTokenId);

    // The same address again, by base order number: the same random value (BR 3.2.2.4.4).
    const tokenBefore = vs[1]?.currentTokenId;
    expect((await dcv({ baseOrderNumber: '7654321', dcvEmailAddress: 'webmaster@www.example.com' })).body).toBe('errorCode=0');
    vs = await svc.rt.store.verifications.verificationsOfSubject(order.id);
    expect(vs[1]?.currentTokenId).toBe(tokenBefore);
    expect(vs[1]?.sendCount).toBe(2);

    // A DNS contact of the registrable domain takes both names; the emptied verifications are cancelled.
    await list('example.com');
    expect((await dcv({ orderNumber: '1234567', dcvEmailAddress: 'owner@example.org' })).body).toBe('errorCode=0');
    vs = await svc.rt.store.verifications.verificationsOfSubject(order.id);
    expect(vs.map((v) => [v.recipient, v.state])).toEqual([
      ['admin@example.com', 'cancelled'],
      ['webmaster@www.example.com', 'cancelled'],
      ['owner@example.org', 'pending'],
    ]);
    expect(vs[2]?.scope.sort()).toEqual(['example.com', 'www.example.com']);
    expect((await svc.rt.store.subjects.getSubject(order.id))?.dcvEmail).toBe('owner@example.org');
  });

  it('tenant isolation: another account’s order named with this login is -4, and nothing is sent', async () => {
    const queued = (await svc.rt.store.messages.queueDepth()).queued;
    expect((await sectigo(svc, 'ResendDCVEmail', { ...login, orderNumber: '3000001' })).body).toBe(
      'errorCode=-4&errorMessage=The+value+of+the+%27orderNumber%27+argument+is+invalid%21&errorItem=orderNumber',
    );
    expect((await sectigo(svc, 'ResendVerificationEmailSMIME', { ...login, orderNumber: '300000002' })).body).toBe(
      "-4\nThe value of the 'orderNumber' argument is invalid!",
    );
    expect((await svc.rt.store.messages.queueDepth()).queued).toBe(queued);
  });
});
