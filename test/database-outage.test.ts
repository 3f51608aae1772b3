import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR } from '../src/core/access/permissions.js';
import { seedFixture } from '../src/fixtures/load-fixtures.js';
import { signedRequest } from './helpers/alibaba.js';
import { eventually } from './helpers/eventually.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { startService, type TestService } from './helpers/service.js';
import { SmtpSink } from './helpers/smtp-sink.js';
import { TcpFront } from './helpers/tcp-front.js';

const STATEMENT_TIMEOUT_S = 2;
/** A request must be answered by then, or it hangs: the statement timeout, the client-side margin, and some slack. */
const ANSWER_WITHIN_MS = STATEMENT_TIMEOUT_S * 1000 + 4000;
const OUTAGE_MS = 5000;
const VERIFICATIONS = 200;

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => server?.close());

const fixture = JSON.parse(readFileSync('docs/fixtures.example.json', 'utf8'));

/** One request per dialect, as its clients send them; each answer reduced to what says "unknown failure". */
const probes = {
  native: async (svc: TestService, verificationId: string) => {
    const r = await svc.call('POST', `/v1/verifications/${verificationId}/resend`, {});
    return { status: r.status, code: r.json?.error?.code };
  },
  sectigo: async (svc: TestService) => {
    const res = await fetch(`${svc.url}/products/!ResendDCVEmail`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ loginName: 'acme_api', loginPassword: 'Correct-Horse-9', orderNumber: '1234567' }).toString(),
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    return { status: res.status, code: new URLSearchParams(await res.text()).get('errorCode') };
  },
  digicert: async (svc: TestService) => {
    const res = await fetch(`${svc.url}/services/v2/order/certificate/1234567/resend-emails`, {
      method: 'PUT',
      headers: { 'x-dc-devkey': 'DC0123456789ABCDEF0123456789ABCD', 'content-type': 'application/json' },
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    return { status: res.status, code: (await res.json()).errors?.[0]?.code };
  },
  alibaba: async (svc: TestService) => {
    const res = await signedRequest(svc.url, { Action: 'QueryEmailVerification', Email: 'test1@example.org' });
    return { status: res.status, code: (await res.json()).Code };
  },
  akana: async (svc: TestService) => {
    const res = await fetch(`${svc.url}/api/users/resendActivation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'emailAddress=jane.saoirse%40example.com',
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    return { status: res.status, code: null };
  },
};

/** Each dialect's own answer to a failure it cannot explain. */
const unknownFailure = {
  native: { status: 503, code: 'SERVICE_UNAVAILABLE' },
  sectigo: { status: 200, code: '-14' },
  digicert: { status: 500, code: 'server_error' },
  alibaba: { status: 500, code: 'InternalError' },
  akana: { status: 500, code: null },
};

const readyz = (svc: TestService) => fetch(`${svc.url}/readyz`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) }).then((r) => r.status);

describe('a lost database', () => {
  // Stopping the server needs the embedded one: skipped against REVERIFY_TEST_DATABASE_URL.
  it.skipIf(Boolean(process.env.REVERIFY_TEST_DATABASE_URL))(
    'a black hole and then PostgreSQL stopped for 5 s: each dialect answers its own error in time, /readyz fails, nothing accepted is lost, service resumes by itself',
    async () => {
      const databaseUrl = await server.createDatabase();
      const target = new URL(databaseUrl);
      const front = await new TcpFront({ host: target.hostname, port: Number(target.port) }).start();
      const viaFront = new URL(databaseUrl);
      viaFront.port = String(front.port);
      const sink = await new SmtpSink().start();
      const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
      db.on('error', () => undefined);

      // Verifications made two minutes ago (outside the cooldown), their first mail already out.
      const past = Date.now() - 120_000;
      const seeder = await startService({ databaseUrl }, { courier: false, clock: { now: () => past } });
      await seedFixture(seeder.rt, fixture);
      const ids: string[] = [];
      for (let i = 0; i < VERIFICATIONS; i++)
        ids.push((await seeder.rt.verifications.create(OPERATOR, { recipient: `o${i}@example.com`, purpose: 'email_ownership' })).id);
      await seeder.close();
      await db.query("UPDATE messages SET status = 'sent', sent_at = created_at");

      const settings = {
        databaseUrl: viaFront.toString(),
        databaseStatementTimeout: STATEMENT_TIMEOUT_S,
        smtpUrl: sink.url,
        courierLease: 3,
      };
      const nodes = [await startService(settings), await startService(settings)] as [TestService, TestService];
      try {
        // A steady stream of resends on both nodes through everything that follows.
        const answers: { id: string; status: number; messageId?: string }[] = [];
        let streaming = true;
        let next = 0;
        const stream = (async () => {
          while (streaming && next < ids.length - 10) {
            const id = ids[next++] as string;
            const r = await (nodes[next % 2] as TestService).call('POST', `/v1/verifications/${id}/resend`, {});
            answers.push({ id, status: r.status, messageId: r.json?.message_id });
            // A client backs off while the service is failing (and does not use up the verifications).
            await delay(r.status === 202 ? 20 : 250);
          }
        })();
        const accepted = () => answers.filter((a) => a.status === 202).length;
        await eventually(accepted, (n) => n >= 5);

        const probeAll = async () => {
          const spare = ids.slice(-10);
          const results = await Promise.all(
            nodes.flatMap((svc, i) => [
              probes.native(svc, spare[i] as string).then((r) => ['native', r] as const),
              probes.sectigo(svc).then((r) => ['sectigo', r] as const),
              probes.digicert(svc).then((r) => ['digicert', r] as const),
              probes.alibaba(svc).then((r) => ['alibaba', r] as const),
              probes.akana(svc).then((r) => ['akana', r] as const),
            ]),
          );
          for (const [dialect, answer] of results) expect({ dialect, ...answer }).toEqual({ dialect, ...unknownFailure[dialect] });
          for (const svc of nodes) expect(await readyz(svc)).toBe(503);
        };
        const recovered = async () => {
          for (const svc of nodes)
            await eventually(
              () => readyz(svc),
              (s) => s === 200,
              30_000,
            );
          const before = accepted();
          await eventually(accepted, (n) => n >= before + 4, 30_000);
        };

        // The database stops answering without closing anything (a partition): answers come within the timeout.
        front.blackhole();
        await probeAll();
        front.pass();
        await recovered();

        // PostgreSQL stopped for five seconds.
        await server.stop();
        const stoppedAt = Date.now();
        await probeAll();
        await delay(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
        await server.start();
        await recovered();

        streaming = false;
        await stream;
        // Every accepted resend is delivered, counted by Message-ID at the sink.
        const acceptedIds = answers.filter((a) => a.status === 202).map((a) => a.messageId as string);
        const { rows } = await db.query('SELECT message_id FROM messages WHERE id = ANY($1)', [acceptedIds]);
        expect(rows).toHaveLength(acceptedIds.length);
        await eventually(
          () => rows.filter((r) => !sink.mails.some((m) => m.messageId === r.message_id)).length,
          (missing) => missing === 0,
          30_000,
        );
        // During the outages, the native API said 503 and nothing else went wrong.
        expect(new Set(answers.map((a) => a.status))).toEqual(new Set([202, 503]));
      } finally {
        for (const svc of nodes) await svc.close();
        await front.stop();
        await sink.stop();
        await db.end();
      }
    },
  );
});
