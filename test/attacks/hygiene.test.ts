import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linksOf } from '../../src/dialects/native/mapper.js';
import { seedFixture } from '../../src/fixtures/load-fixtures.js';
import { readTables } from '../helpers/db.js';
import { ADMIN_TOKEN, ManualClock, startService, type TestService } from '../helpers/service.js';
import { SmtpSink } from '../helpers/smtp-sink.js';
import { outboxSettled } from './helpers.js';

const run = promisify(execFile);
const DAY = 86_400_000;

const akana = (svc: TestService, path: string, body: string, type = 'application/x-www-form-urlencoded') =>
  fetch(`${svc.url}/api/users/${path}`, { method: 'POST', headers: { 'content-type': type }, body }).then((r) => r.status);

describe('anonymous floods stay bounded', () => {
  let svc: TestService;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    svc = await startService({}, { clock });
  });
  afterAll(async () => svc.close());

  it('3,000 resendActivation for unknown addresses from one IP: a handful of rows, whatever the volume', async () => {
    const before = readTables(svc.dir, ['events', 'quota_charges']);
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < 3000) {
          const i = next++;
          expect(await akana(svc, 'resendActivation', `emailAddress=stranger${i}%40example.com`)).toBe(200);
        }
      }),
    );
    await svc.rt.requestWorker.drain();
    const after = readTables(svc.dir, ['events', 'quota_charges', 'queued_requests']);
    expect(after.queued_requests).toHaveLength(0);
    // One charge per admitted request (60 a minute per IP), refusals and ignored requests one row per hour each.
    expect(after.quota_charges?.length).toBeLessThanOrEqual((before.quota_charges?.length ?? 0) + 60);
    expect(after.events?.length).toBeLessThanOrEqual((before.events?.length ?? 0) + 2);
    const counts = await svc.rt.store.audit.listEvents({ types: ['request.refused', 'signup.resend_ignored'], limit: 10 });
    expect(counts.map((e) => [e.type, e.count ?? 1]).sort()).toEqual([
      ['request.refused', 2940],
      ['signup.resend_ignored', 60],
    ]);
  });

  it('audit events are pruned after REVERIFY_AUDIT_RETENTION days (90 by default)', async () => {
    await svc.call('POST', '/v1/verifications', { recipient: 'old@example.com', purpose: 'email_ownership' });
    const created = clock.now();
    const olderThan = async (days: number) =>
      (await svc.rt.store.audit.listEvents({ limit: 10_000 })).filter((e) => e.at <= clock.now() - days * DAY).length;
    const atCreation = (await svc.rt.store.audit.listEvents({ limit: 10_000 })).filter((e) => e.at <= created).length;
    expect(atCreation).toBeGreaterThan(0);
    clock.advance(89 * DAY);
    await svc.rt.upkeep();
    expect(await olderThan(89)).toBe(atCreation);
    clock.advance(2 * DAY);
    await svc.rt.upkeep();
    expect(await olderThan(90)).toBe(0);
    // What is younger than the retention stays (the verification's expiry, recorded at day 89).
    expect((await svc.rt.store.audit.listEvents({ types: ['verification.expired'], limit: 10 })).length).toBeGreaterThan(0);
  });
});

describe('addresses are what delivery will use', () => {
  let sink: SmtpSink;
  let svc: TestService;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    svc = await startService({ smtpUrl: sink.url, resendCooldown: 20, anonymousPerMinute: 0 });
    await seedFixture(svc.rt, {
      accounts: [{ name: 'acme', accessKeys: [{ id: 'LTAI5tAcmeExample01', secret: 'acmeAccessSecret0123456789' }] }],
    });
  });
  afterAll(async () => {
    await svc.close();
    await sink.stop();
  });

  it('quoted local parts are refused in every dialect: one mail within the cooldown, never three', async () => {
    const forms = ['"vic"@q.example', '"vic "@q.example', 'vic@q.example', 'VIC+promo@Q.example'];
    const native = await Promise.all(forms.map((r) => svc.call('POST', '/v1/verifications', { recipient: r, purpose: 'email_ownership' })));
    expect(native.map((r) => r.status)).toEqual([400, 400, 201, 429]);
    expect(
      (await svc.call('POST', '/v1/orders', { type: 'smime', orderNumber: 'q1', emails: ['"vic"@q.example'], account: 'acme' })).status,
    ).toBe(400);
    const { signedRequest } = await import('../helpers/alibaba.js');
    const alibaba = await (await signedRequest(svc.url, { Action: 'SubmitEmailVerification', Email: '"vic"@q.example' })).json();
    expect(alibaba.FailList.map((f: { Code: string }) => f.Code)).toEqual(['ParameterIllegall']);
    expect(await akana(svc, 'signupUser', JSON.stringify({ EmailAddress: '"vic"@q.example' }), 'application/json')).toBe(400);
    await svc.rt.requestWorker.drain();
    await outboxSettled(svc);
    expect(sink.mails.map((m) => m.to)).toEqual([['vic@q.example']]);
  });

  it('a FirstName with line breaks and a URL becomes neither a header nor a link; Reverify’s own link comes first', async () => {
    const name = 'Eve\r\nBcc: victim@example.com\r\n\r\nhttp://evil.example/claim';
    expect(await akana(svc, 'signupUser', JSON.stringify({ EmailAddress: 'eve@example.com', FirstName: name }), 'application/json')).toBe(
      200,
    );
    await svc.rt.requestWorker.drain();
    await outboxSettled(svc);
    const mail = sink.mails.find((m) => m.to.includes('eve@example.com'));
    expect(mail).toBeDefined();
    expect(mail?.parsed.headers.has('bcc')).toBe(false);
    expect(`${mail?.text}${mail?.html}`).not.toContain('evil.example');
    const links = linksOf(mail?.html ?? '');
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/^http:\/\/127\.0\.0\.1:8080\/verify\?token=/);
    const stored = await svc.rt.store.subjects.findSubjectByNumber(null, ['signup'], 'eve@example.com');
    expect(stored?.attributes.firstName).toBe('Eve Bcc: victim@example.com http://evil.example/claim');
  });
});

describe('slow request bodies', () => {
  it('a body that never finishes is cut off after REVERIFY_REQUEST_TIMEOUT', async () => {
    const svc = await startService({ requestTimeout: 1 });
    try {
      const { port } = new URL(svc.url);
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(
        `POST /v1/verifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"recipient":`,
      );
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        let data = '';
        socket.on('data', (d) => {
          data += d;
        });
        socket.on('close', () => resolve(data));
      });
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(answer).toMatch(/^HTTP\/1.1 408/);
    } finally {
      await svc.close();
    }
  });
});

describe('loading one fixture file from two processes at once', () => {
  it('both finish, and the file is loaded once', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'reverify-seed-'));
    const file = join(dir, 'fixture.json');
    writeFileSync(
      file,
      JSON.stringify({
        accounts: [{ name: 'acme', loginName: 'acme_api', loginPassword: 'Correct-Horse-9' }, { name: 'globex' }],
        orders: [{ account: 'acme', type: 'smime', orderNumber: '1', emails: ['a@example.com'], state: 'issued' }],
      }),
    );
    const env = {
      ...process.env,
      REVERIFY_DATABASE_URL: `sqlite:${join(dir, 'reverify.db')}`,
      REVERIFY_SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
      REVERIFY_ADMIN_TOKEN: 'test-admin-token-0123456789',
      REVERIFY_LOG_LEVEL: 'silent',
    };
    const seed = () => run(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'seed', file], { env });
    try {
      const results = await Promise.allSettled([seed(), seed()]);
      expect(
        results.map((r) => (r.status === 'rejected' ? String((r.reason as { stderr?: string }).stderr ?? r.reason) : r.status)),
      ).toEqual(['fulfilled', 'fulfilled']);
      const tables = readTables(dir, ['accounts', 'subjects']);
      expect(tables.accounts).toHaveLength(2);
      expect(tables.subjects).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
