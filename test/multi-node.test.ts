import { once } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR } from '../src/core/access/permissions.js';
import { eventually } from './helpers/eventually.js';
import { FlakyFront } from './helpers/flaky-front.js';
import { type NodeProcess, startNode } from './helpers/node-process.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { startService } from './helpers/service.js';
import { type SinkMail, SmtpSink } from './helpers/smtp-sink.js';

const SINGLES = 450;
const TRIPLES = 50;
/** When the sink has accepted this many mails, node C's next send is held and C is killed. */
const KILL_AFTER = 120;

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => server?.close());

/** Runs `tasks` with at most `limit` in flight. */
const bounded = async <T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> => {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
};

/** Verifications created a little in the past (their first charge is outside the cooldown), their first mail already out. */
const seedVerifications = async (databaseUrl: string, count: number): Promise<string[]> => {
  const past = Date.now() - 120_000;
  const seeder = await startService({ databaseUrl }, { courier: false, clock: { now: () => past } });
  try {
    const ids = await bounded(
      Array.from({ length: count }, (_, i) => async () => {
        const v = await seeder.rt.verifications.create(OPERATOR, { recipient: `r${i}@example.com`, purpose: 'email_ownership' });
        return v.id;
      }),
      16,
    );
    return ids;
  } finally {
    await seeder.close();
  }
};

describe('three nodes on one PostgreSQL behave as one', () => {
  it('600 concurrent resends across three nodes, a flaky SMTP server, one node SIGKILLed: every accepted resend delivered, one send per recipient hit on all nodes, duplicates only for sends in flight at the kill', async () => {
    const databaseUrl = await server.createDatabase();
    const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    db.on('error', () => undefined);
    const ids = await seedVerifications(databaseUrl, SINGLES + TRIPLES);
    await db.query("UPDATE messages SET status = 'sent', sent_at = created_at");
    const seeded = new Set((await db.query('SELECT id FROM messages')).rows.map((r) => String(r.id)));

    // Node C's sends are held once armed: the first one held is in flight when C is killed.
    let armed = false;
    const sink = await new SmtpSink((n, mail: SinkMail) => {
      if (armed && mail.from === 'node-c@reverify.test') return 'hold';
      return n % 10 === 3 ? { code: 451, message: '4.3.0 try again later' } : 'accept';
    }).start();
    const front = await new FlakyFront({ host: '127.0.0.1', port: sink.port }, (n) => n % 5 === 2).start();
    const nodeEnv = (name: string) => ({
      REVERIFY_DATABASE_URL: databaseUrl,
      REVERIFY_SMTP_URL: front.url,
      REVERIFY_MAIL_FROM: `Node ${name.toUpperCase()} <node-${name}@reverify.test>`,
      REVERIFY_COURIER_LEASE: '5',
      REVERIFY_COURIER_CONCURRENCY: '8',
      REVERIFY_COURIER_MAX_ATTEMPTS: '30',
      REVERIFY_COURIER_RETRY_BASE_MS: '50',
      REVERIFY_COURIER_RETRY_MAX_MS: '400',
      REVERIFY_COURIER_POLL_MS: '100',
      REVERIFY_DATABASE_POOL_SIZE: '6',
    });
    const nodes: NodeProcess[] = await Promise.all(['a', 'b', 'c'].map((n) => startNode(nodeEnv(n))));
    const [, , nodeC] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    try {
      // The kill: when armed, C's first held send names C's courier (its lease owner); C dies; what C held is recorded.
      const killed = (async () => {
        while (sink.mails.length < KILL_AFTER) await once(sink, 'mail');
        armed = true;
        const [held] = (await once(sink, 'held')) as [SinkMail];
        await nodeC.kill('SIGKILL');
        const outboxId = String(held.parsed.headers.get('x-reverify-message'));
        const owner = (await db.query('SELECT lease_owner FROM messages WHERE id = $1', [outboxId])).rows[0]?.lease_owner;
        const inFlight = await db.query("SELECT id, message_id FROM messages WHERE status = 'sending' AND lease_owner = $1", [owner]);
        armed = false;
        sink.releaseHeld();
        return { held, inFlight: inFlight.rows as { id: string; message_id: string }[] };
      })();

      // 50 recipients hit on all three nodes at once first, then 450 resends spread over the nodes.
      const requests = [
        ...ids.slice(SINGLES).flatMap((id) => nodes.map((node) => ({ id, node }))),
        ...ids.slice(0, SINGLES).map((id, i) => ({ id, node: nodes[i % 3] as NodeProcess })),
      ];
      const answers = await bounded(
        requests.map(({ id, node }) => async () => ({ id, ...(await node.call('POST', `/v1/verifications/${id}/resend`, {})) })),
        30,
      );
      const { held, inFlight } = await killed;

      const accepted = answers.filter((a) => a.status === 202);
      for (const id of ids.slice(SINGLES)) {
        const mine = answers.filter((a) => a.id === id);
        expect(mine.map((a) => a.status).sort()).toEqual([202, 429, 429]);
      }
      // Only requests to C after its death may have failed, and only as "no answer".
      expect(answers.filter((a) => a.status !== 202 && a.status !== 429).every((a) => a.status === 0)).toBe(true);
      expect(accepted.length).toBeGreaterThan(SINGLES + TRIPLES - 150);

      // Every message committed (accepted or not) ends sent; none waits, none failed.
      const depth = await eventually(
        async () => (await db.query('SELECT status, count(*)::int AS n FROM messages GROUP BY status')).rows,
        (rows) => rows.every((r) => r.status === 'sent'),
        60_000,
      );
      expect(depth).toHaveLength(1);
      const all = (await db.query('SELECT id, message_id FROM messages')).rows as { id: string; message_id: string }[];
      const resends = all.filter((m) => !seeded.has(m.id));
      const messageIdOf = new Map(resends.map((m) => [m.id, m.message_id]));

      // Counted by Message-ID at the sink: every accepted resend delivered; nothing else but resends.
      const copies = new Map<string, number>();
      for (const m of sink.mails) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
      for (const a of accepted) expect(copies.get(messageIdOf.get(a.json.message_id) ?? 'missing')).toBeGreaterThanOrEqual(1);
      expect(new Set(copies.keys())).toEqual(new Set(resends.map((m) => m.message_id)));

      // A recipient hit on all three nodes at once: exactly one send, that is one Message-ID. It reaches
      // the sink twice only when it was among the killed node's sends in flight (checked for every
      // duplicate below); a triple's resend retried late after a 451 can be one of them.
      const inFlightIds = new Set(inFlight.map((m) => m.message_id));
      for (let i = SINGLES; i < SINGLES + TRIPLES; i++) {
        const received = sink.mails.filter((m) => m.to.includes(`r${i}@example.com`));
        expect(new Set(received.map((m) => m.messageId)).size, `r${i}: ${received.map((m) => m.messageId)}`).toBe(1);
        if (received.length > 1) expect(inFlightIds.has(received[0]?.messageId ?? '')).toBe(true);
      }

      // The killed node's claimed work was finished by the others; duplicates are only its sends in flight.
      expect([...inFlightIds]).toContain(held.messageId);
      for (const m of inFlight) {
        const attempts = (await db.query('SELECT result FROM delivery_attempts WHERE message_id = $1 ORDER BY number', [m.id])).rows;
        expect(attempts.map((a) => a.result)).toContain('lost');
        expect(attempts.at(-1)?.result).toBe('sent');
      }
      const duplicated = [...copies].filter(([, n]) => n > 1);
      for (const [messageId, n] of duplicated) {
        expect(inFlightIds.has(messageId)).toBe(true);
        expect(n).toBe(2);
      }
      expect(duplicated.map(([id]) => id)).toContain(held.messageId);
      expect(front.dropped).toBeGreaterThan(0);
    } finally {
      await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
      await front.stop();
      await sink.stop();
      await db.end();
    }
  });
});
