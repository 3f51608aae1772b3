// Reverify as a sandbox inside a Vitest suite: one line to start it, a captured inbox to read.
// In your project: npm install --save-dev reverify, then import from 'reverify/sandbox' as below.

import { type Sandbox, startSandbox } from 'reverify/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => sandbox.close());

it('a sign-up through the Akana API reaches the inbox, and its link confirms', async () => {
  // What your code under test would do, pointed at sandbox.url instead of the vendor:
  const res = await fetch(`${sandbox.url}/api/users/signupUser`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ EmailAddress: 'new.user@example.com', FirstName: 'New' }),
  });
  expect(res.status).toBe(200);

  const mail = await sandbox.inbox.waitFor('new.user@example.com');
  const token = new URL(sandbox.inbox.linkIn(mail)).searchParams.get('token');
  const confirmed = await fetch(`${sandbox.url}/v1/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  expect(await confirmed.json()).toMatchObject({ state: 'confirmed', purpose: 'account_activation' });
});

it('rehearses a bad day: the vendor answers 500 once', async () => {
  sandbox.faults.add({ target: 'akana', endpoint: 'resendActivation', effect: { kind: 'error', code: '500' }, count: 1 });
  const call = () =>
    fetch(`${sandbox.url}/api/users/resendActivation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'emailAddress=jane.saoirse@acmepaymentscorp.com',
    }).then((r) => r.status);
  expect(await call()).toBe(500);
  expect(await call()).toBe(200);
});
