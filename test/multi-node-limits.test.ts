import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFixture } from '../src/fixtures/load-fixtures.js';
import { signedRequest } from './helpers/alibaba.js';
import { runNode } from './helpers/node-process.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { sectigo } from './helpers/sectigo-fixture.js';
import { startService, type TestService } from './helpers/service.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => server?.close());

describe('limits and single-use values are global across nodes on PostgreSQL', () => {
  let a: TestService;
  let b: TestService;
  beforeAll(async () => {
    const databaseUrl = await server.createDatabase();
    a = await startService({ databaseUrl, loginMaxFailures: 3 }, { courier: false });
    b = await startService({ databaseUrl, loginMaxFailures: 3 }, { courier: false });
    await seedFixture(a.rt, JSON.parse(readFileSync('docs/fixtures.example.json', 'utf8')));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('a replayed Alibaba nonce sent to a second node is refused', async () => {
    const params = { Action: 'QueryEmailVerification', Email: 'test1@example.org' };
    const first = await signedRequest(a.url, params, { nonce: 'replayed-across-nodes' });
    expect(first.status).toBe(200);
    const replay = await signedRequest(b.url, params, { nonce: 'replayed-across-nodes' });
    expect([replay.status, (await replay.json()).Code]).toEqual([400, 'SignatureNonceUsed']);
    // The same request with a fresh nonce is fine on the second node: only the nonce was refused.
    expect((await signedRequest(b.url, params, { nonce: 'fresh-nonce-on-b' })).status).toBe(200);
  });

  it('a Sectigo lockout on one node holds on another', async () => {
    // The fixture's login (docs/fixtures.example.json).
    const list = (svc: TestService, password: string) =>
      sectigo(svc, 'GetDCVEmailAddressList', { loginName: 'acme_api', loginPassword: password, domainName: 'example.com' });
    expect((await list(b, 'Correct-Horse-9')).body).toMatch(/^0\n/);
    for (let i = 0; i < 3; i++) expect((await list(a, 'wrong-password')).body).toMatch(/^-16\n/);
    const locked = await list(b, 'Correct-Horse-9');
    expect(locked.body).toMatch(/^-16\n/);
  });

  it('a node started with another secret key is refused with one line', async () => {
    const databaseUrl = await server.createDatabase();
    const first = await startService({ databaseUrl }, { courier: false });
    await first.close();
    const { proc, stderr } = runNode({
      REVERIFY_DATABASE_URL: databaseUrl,
      REVERIFY_SECRET_KEY: 'another-secret-key-0123456789abcdef0123',
    });
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr().trimEnd().split('\n')).toEqual([expect.stringMatching(/^reverify: REVERIFY_SECRET_KEY: this is not the server key/)]);
  });
});
