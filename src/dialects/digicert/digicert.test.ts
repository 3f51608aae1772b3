import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../test/helpers/dns-server.js';
import { eventually } from '../../../test/helpers/eventually.js';
import { startService, type TestService } from '../../../test/helpers/service.js';
import { SmtpSink } from '../../../test/helpers/smtp-sink.js';
import { seedFixture } from '../../fixtures/load-fixtures.js';

const curl = promisify(execFile);
const KEY = 'DC0123456789ABCDEF0123456789ABCD';
const VIEW_KEY = 'DCVIEWONLY0123456789ABCDEF012345';
const OTHER_KEY = 'DCGLOBEX0123456789ABCDEF01234567';

const fixture = {
  accounts: [
    {
      name: 'acme',
      apiKeys: [
        { key: KEY, role: 0 },
        { key: VIEW_KEY, role: 102 },
      ],
    },
    { name: 'globex', apiKeys: [{ key: OTHER_KEY, role: 0 }] },
  ],
  orders: [
    {
      account: 'acme',
      type: 'ssl',
      orderNumber: 1234567,
      domains: ['example.com', 'sub.example2.com'],
      dcvEmail: 'admin@example.com',
      locale: 'de',
    },
    { account: 'acme', type: 'ssl', orderNumber: 7000001, domains: ['done.example'], dcvEmail: 'admin@done.example', state: 'validated' },
    { account: 'globex', type: 'ssl', orderNumber: 8000001, domains: ['globex.example'], dcvEmail: 'admin@globex.example' },
  ],
  dns: { 'example.com': { txtContacts: ['someone@example.com'], caaContacts: [] } },
};

describe('DigiCert resend-emails', () => {
  let sink: SmtpSink;
  let svc: TestService;
  let dns: Awaited<ReturnType<typeof startDnsServer>>;

  beforeAll(async () => {
    dns = await startDnsServer({ txt: { '_validation-contactemail.example2.com': ['someone@example2.com'] } });
    sink = await new SmtpSink().start();
  });
  beforeEach(async () => {
    await svc?.close();
    svc = await startService({ smtpUrl: sink.url, resendCooldown: 0, dnsServers: [dns.server] });
    await seedFixture(svc.rt, fixture);
    // The seeded orders' first emails go out before a test counts deliveries.
    await eventually(
      () => svc.rt.store.messages.queueDepth(),
      (d) => d.queued + d.sending + d.deferred === 0,
    );
  });
  afterAll(async () => {
    await svc?.close();
    await sink.stop();
    dns.close();
  });

  const put = (orderId: string, body: unknown, key: string | null = KEY, method = 'PUT') =>
    fetch(`${svc.url}/services/v2/order/certificate/${orderId}/resend-emails`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { 'x-dc-devkey': key } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }));

  const errors = (text: string) => JSON.parse(text).errors.map((e: { code: string }) => e.code);

  it('the seed’s curl example: 204, and one email to each named address, in the requested locale', async () => {
    const before = sink.mails.length;
    const { stdout } = await curl('curl', [
      '--silent',
      '--write-out',
      '%{http_code}',
      '-X',
      'PUT',
      `${svc.url}/services/v2/order/certificate/1234567/resend-emails`,
      '-H',
      'Content-Type: application/json',
      '-H',
      `X-DC-DEVKEY: ${KEY}`,
      '-d',
      '{\n"domain_approval_emails": [\n{\n"domain": "example.com",\n"email": "someone@example.com"\n},\n{\n"domain": "sub.example2.com",\n"email": "someone@example2.com",\n"email_domain": "example2.com"\n}\n],\n"locale": "en"\n}',
    ]);
    expect(stdout).toBe('204');
    const mails = await sink.waitForMails(before + 2);
    const fresh = mails.slice(before).sort((a, b) => a.to[0]!.localeCompare(b.to[0]!));
    expect(fresh.map((m) => [m.to[0], m.subject])).toEqual([
      ['someone@example.com', 'Domain control validation for example.com'],
      ['someone@example2.com', 'Domain control validation for sub.example2.com'],
    ]);
    const order = await (await fetch(`${svc.url}/services/v2/order/certificate/1234567`, { headers: { 'x-dc-devkey': KEY } })).json();
    expect(order.dcv.map((d: { domain: string; email: string; status: string }) => [d.domain, d.email, d.status])).toEqual([
      ['example.com', 'someone@example.com', 'pending'],
      ['sub.example2.com', 'someone@example2.com', 'pending'],
    ]);
    // A later resend without a body keeps the locale and the addresses.
    expect((await put('1234567', '')).status).toBe(204);
    const again = (await sink.waitForMails(before + 4)).slice(before + 2);
    expect(again.map((m) => m.subject).sort()).toEqual([
      'Domain control validation for example.com',
      'Domain control validation for sub.example2.com',
    ]);
  });

  it('renders the email in the requested locale', async () => {
    const before = sink.mails.length;
    expect(
      (await put('1234567', { domain_approval_emails: [{ domain: 'example.com', email: 'admin@example.com' }], locale: 'ja' })).status,
    ).toBe(204);
    const [mail] = (await sink.waitForMails(before + 1)).slice(before);
    expect(mail?.subject).toBe('example.com, sub.example2.com のドメイン認証');
  });

  it('one golden case per error code, several problems as several entries, nothing sent', async () => {
    const queued = async () => (await svc.rt.store.messages.queueDepth()).queued + (await svc.rt.store.messages.queueDepth()).sent;
    const start = await queued();
    const cases: [() => ReturnType<typeof put>, number, string[]][] = [
      [() => put('1234567', {}, null), 401, ['access_denied']],
      [() => put('1234567', {}, 'not-a-key'), 401, ['access_denied']],
      [() => put('1234567', {}, VIEW_KEY), 403, ['access_denied|missing_permission']],
      [() => put('999', {}), 404, ['not_found|order']],
      [() => put('8000001', {}), 404, ['not_found|order']],
      [() => put('abc', {}), 404, ['not_found|order']],
      [() => put('1234567', '{"domain_approval_emails": ['), 400, ['bad_request_format']],
      [() => put('1234567', '[1,2]'), 400, ['bad_request_format']],
      [() => put('1234567', { domain_approval_emails: 'example.com' }), 400, ['bad_request_format']],
      [() => put('1234567', { locale: 'xx' }), 400, ['invalid_locale']],
      [() => put('7000001', {}), 400, ['invalid_order_status']],
      [
        () => put('1234567', { domain_approval_emails: [{ domain: 'other.example', email: 'admin@other.example' }] }),
        400,
        ['invalid_domain'],
      ],
      [
        () => put('1234567', { domain_approval_emails: [{ domain: 'example.com', email: 'mallory@example.com' }] }),
        400,
        ['invalid_dcv_email'],
      ],
      [
        () =>
          put('1234567', {
            domain_approval_emails: [{ domain: 'sub.example2.com', email: 'admin@example2.com', email_domain: 'example.com' }],
          }),
        400,
        ['invalid_dcv_email'],
      ],
      [
        () =>
          put('1234567', {
            domain_approval_emails: [
              { domain: 'nope.example', email: 'x@nope.example' },
              { domain: 'example.com', email: 'bad@example.com' },
            ],
            locale: 'en',
          }),
        400,
        ['invalid_domain', 'invalid_dcv_email'],
      ],
      [
        () => put('1234567', { domain_approval_emails: [{ email: 'admin@example.com' }], locale: 'klingon' }),
        400,
        ['invalid_domain', 'invalid_locale'],
      ],
      // Problems the body shows and problems only the core can see, reported together.
      [
        () => put('1234567', { domain_approval_emails: [{ domain: 'example.com', email: 'mallory@example.com' }], locale: 'xx' }),
        400,
        ['invalid_locale', 'invalid_dcv_email'],
      ],
      [
        () =>
          put('1234567', {
            domain_approval_emails: [{ email: 'admin@example.com' }, { domain: 'example.com', email: 'mallory@example.com' }],
          }),
        400,
        ['invalid_domain', 'invalid_dcv_email'],
      ],
      [() => put('999', { locale: 'xx' }), 404, ['invalid_locale', 'not_found|order']],
      [() => put('7000001', { locale: 'xx' }), 400, ['invalid_locale', 'invalid_order_status']],
      [
        () =>
          fetch(`${svc.url}/services/v2/no/such/route`, { headers: { 'x-dc-devkey': KEY } }).then(async (r) => ({
            status: r.status,
            headers: r.headers,
            text: await r.text(),
          })),
        404,
        ['not_found|route'],
      ],
    ];
    for (const [send, status, codes] of cases) {
      const r = await send();
      expect([r.status, errors(r.text)]).toEqual([status, codes]);
      expect(JSON.parse(r.text).errors.every((e: { message: string }) => typeof e.message === 'string' && e.message.length > 0)).toBe(true);
    }
    expect(await queued()).toBe(start);
  });

  it('429 request_limit_exceeded with Retry-After when the cooldown refuses', async () => {
    await svc.close();
    svc = await startService({ smtpUrl: sink.url, resendCooldown: 60, dnsServers: [dns.server] });
    await seedFixture(svc.rt, fixture);
    const r = await put('1234567', {});
    expect(r.status).toBe(429);
    expect(errors(r.text)).toEqual(['request_limit_exceeded']);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(55);
  });

  it('companions: DCV emails of a name, and the order with its DCV state', async () => {
    const emails = await (
      await fetch(`${svc.url}/services/v2/domain/sub.example2.com/dcv/emails`, { headers: { 'x-dc-devkey': VIEW_KEY } })
    ).json();
    expect(emails).toEqual({
      name_scope: 'sub.example2.com',
      base_emails: ['admin', 'administrator', 'webmaster', 'hostmaster', 'postmaster'].map((l) => `${l}@example2.com`),
      whois_emails: [],
      dns_txt_emails: ['someone@example2.com'],
    });
    const bad = await fetch(`${svc.url}/services/v2/domain/co.uk/dcv/emails`, { headers: { 'x-dc-devkey': KEY } });
    expect([bad.status, errors(await bad.text())]).toEqual([400, ['invalid_domain']]);
    const order = await (await fetch(`${svc.url}/services/v2/order/certificate/1234567`, { headers: { 'x-dc-devkey': VIEW_KEY } })).json();
    expect(order).toMatchObject({
      id: 1234567,
      status: 'pending',
      certificate: { common_name: 'example.com', dns_names: ['example.com', 'sub.example2.com'] },
    });
    const other = await fetch(`${svc.url}/services/v2/order/certificate/8000001`, { headers: { 'x-dc-devkey': KEY } });
    expect(other.status).toBe(404);
  });

  it('PUT domain DCV emails: chosen allowed addresses only, or every allowed one', async () => {
    const send = (body: unknown) =>
      fetch(`${svc.url}/services/v2/domain/sub.example2.com/dcv/emails`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-dc-devkey': KEY },
        body: JSON.stringify(body),
      });
    const before = sink.mails.length;
    expect((await send({ email_array: ['someone@example2.com', 'mallory@evil.example'], locale: 'fr' })).status).toBe(204);
    const [chosen] = (await sink.waitForMails(before + 1)).slice(before);
    expect(chosen?.to).toEqual(['someone@example2.com']);
    expect(chosen?.subject).toBe('Validation du contrôle de domaine pour sub.example2.com');
    expect((await send({ email_array: ['mallory@evil.example'] })).status).toBe(204);
    const all = (await sink.waitForMails(before + 12)).slice(before + 1);
    expect(all.map((m) => m.to[0]).sort()).toEqual(
      [
        ...['admin', 'administrator', 'webmaster', 'hostmaster', 'postmaster'].flatMap((l) => [
          `${l}@example2.com`,
          `${l}@sub.example2.com`,
        ]),
        'someone@example2.com',
      ].sort(),
    );
    const unknown = await fetch(`${svc.url}/services/v2/domain/unknown.example/dcv/emails`, {
      method: 'PUT',
      headers: { 'x-dc-devkey': KEY },
    });
    expect([unknown.status, errors(await unknown.text())]).toEqual([404, ['not_found|domain']]);
    const viewOnly = await fetch(`${svc.url}/services/v2/domain/sub.example2.com/dcv/emails`, {
      method: 'PUT',
      headers: { 'x-dc-devkey': VIEW_KEY },
    });
    expect(viewOnly.status).toBe(403);
  });
});
