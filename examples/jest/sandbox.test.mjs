// Reverify as a sandbox inside a Jest suite (ESM). In your project:
//   npm install --save-dev reverify jest
//   NODE_OPTIONS=--experimental-vm-modules npx jest
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startSandbox } from 'reverify/sandbox';

let sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => sandbox.close());

it('a DigiCert resend, as the seed sample sends it, reaches the captured inbox', async () => {
  const res = await fetch(`${sandbox.url}/services/v2/order/certificate/1234567/resend-emails`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-dc-devkey': sandbox.credentials.digicertApiKey },
    body: JSON.stringify({
      domain_approval_emails: [
        { domain: 'example.com', email: 'someone@example.com' },
        { domain: 'sub.example2.com', email: 'someone@example2.com', email_domain: 'example2.com' },
      ],
      locale: 'en',
    }),
  });
  expect(res.status).toBe(204);
  const mail = await sandbox.inbox.waitFor('someone@example2.com');
  expect(sandbox.inbox.linkIn(mail)).toMatch(/\/verify\?token=/);
});

it('rehearses a DigiCert rate limit', async () => {
  sandbox.faults.add({ target: 'digicert', effect: { kind: 'error', code: 'request_limit_exceeded' }, count: 1 });
  const res = await fetch(`${sandbox.url}/services/v2/order/certificate/1234567`, {
    headers: { 'x-dc-devkey': sandbox.credentials.digicertApiKey },
  });
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe('1');
});
