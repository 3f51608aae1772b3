import { seedFixture } from '../../src/fixtures/load-fixtures.js';
import type { TestService } from './service.js';

/** The accounts and orders the seed samples name (login_name / login_password, orders 123456789 and 1234567). */
export const sectigoFixture = {
  accounts: [
    { name: 'acme', loginName: 'login_name', loginPassword: 'login_password', permissions: { voucher: false } },
    { name: 'globex', loginName: 'globex_api', loginPassword: 'globex_password' },
  ],
  orders: [
    {
      account: 'acme',
      type: 'smime',
      orderNumber: '123456789',
      emails: ['alice@example.com', 'alice.backup@example.com'],
      state: 'issued',
    },
    {
      account: 'acme',
      type: 'ssl',
      orderNumber: 1234567,
      baseOrderNumber: 7654321,
      domains: ['example.com', 'www.example.com'],
      dcvEmail: 'admin@example.com',
      state: 'awaiting_dcv',
    },
    {
      account: 'acme',
      type: 'ssl',
      orderNumber: 2000001,
      domains: ['validated.example'],
      dcvEmail: 'admin@validated.example',
      state: 'validated',
    },
    { account: 'acme', type: 'ssl', orderNumber: 2000002, domains: ['voucher.example'], dcvEmail: 'admin@voucher.example', voucher: true },
    { account: 'acme', type: 'smime', orderNumber: 'S-REVOKED', emails: ['r@example.com'], state: 'revoked' },
    { account: 'acme', type: 'smime', orderNumber: 'S-AGREEMENT', emails: ['g@example.com'], state: 'awaiting_agreement' },
    { account: 'acme', type: 'smime', orderNumber: 'S-ACTIONS', emails: ['p@example.com'], state: 'pending_actions' },
    { account: 'acme', type: 'smime', orderNumber: 'S-ISSUING', emails: ['i@example.com'], state: 'being_issued' },
    { account: 'globex', type: 'ssl', orderNumber: 3000001, domains: ['globex.example'], dcvEmail: 'admin@globex.example' },
    { account: 'globex', type: 'smime', orderNumber: '300000002', emails: ['g@globex.example'], state: 'issued' },
  ],
  dns: { 'example.com': { txtContacts: ['owner@example.org'], caaContacts: [] } },
};

export const seedSectigo = async (svc: TestService) => seedFixture(svc.rt, sectigoFixture);

/** POSTs a form to a Sectigo endpoint; returns status, content type and body text. */
export const sectigo = async (svc: TestService, name: string, form: Record<string, string> | string, init: RequestInit = {}) => {
  const res = await fetch(`${svc.url}/products/!${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
    ...init,
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
};

export const login = { loginName: 'login_name', loginPassword: 'login_password' };
