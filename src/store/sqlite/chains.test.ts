import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import { bump, message, seedOne, T0, token } from '../contract/entities.js';
import { migrate, openDatabase } from './database.js';
import { sqliteMigrations } from './migrations.js';
import { openSqliteStore } from './store.js';

it("migration 8 links what was stored before it, so a verification's children are found as before, and new ones join the chains", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reverify-chains-'));
  const file = join(dir, 'old.db');
  const old = openDatabase(file);
  migrate(
    old,
    sqliteMigrations.filter((m) => m.id < 8),
  );
  const [v1, v2] = [newId(), newId()];
  const id: Record<string, string> = {};
  for (const name of ['t1a', 't2a', 't1b', 't2b', 'm1a', 'm2a', 'w1', 'm1b']) id[name] = newId();
  const verification = old.prepare(
    `INSERT INTO verifications (id, scope, recipient, purpose, locale, state, current_token_id, expires_at, send_count, created_at, updated_at, version)
     VALUES (?, '[]', 'a@example.com', 'email_ownership', 'en', 'pending', ?, ?, 2, ?, ?, 2)`,
  );
  verification.run(v1, id.t1b, T0 + 3600_000, T0, T0);
  verification.run(v2, id.t2b, T0 + 3600_000, T0, T0);
  const tokenRow = old.prepare('INSERT INTO tokens (id, verification_id, expires_at, created_at) VALUES (?, ?, ?, ?)');
  for (const [t, v] of [
    [id.t1a, v1],
    [id.t2a, v2],
    [id.t1b, v1],
    [id.t2b, v2],
  ])
    tokenRow.run(t, v, T0 + 3600_000, T0);
  const messageRow = old.prepare(
    `INSERT INTO messages (id, verification_id, recipient, purpose, locale, token_id, data, message_id, status, attempts, abandoned,
       next_attempt_at, created_at, channel, destination) VALUES (?, ?, 'a@example.com', 'email_ownership', 'en', '', '{}', ?, 'sent', 1, 0, ?, ?, ?, '')`,
  );
  for (const [m, v, channel] of [
    [id.m1a, v1, 'email'],
    [id.m2a, v2, 'email'],
    [id.w1, v1, 'webhook'],
    [id.m1b, v1, 'email'],
  ])
    messageRow.run(m, v, `<${m}@test>`, T0, T0, channel);
  const eventRow = old.prepare("INSERT INTO events (id, at, type, verification_id, detail, bucket) VALUES (?, ?, ?, ?, '{}', ?)");
  eventRow.run(newId(), T0, 'e1', v1, null);
  eventRow.run(newId(), T0, 'e2', v2, null);
  eventRow.run(newId(), T0, 'r1', v1, 'bucket');
  eventRow.run(newId(), T0, 'none', null, null);
  eventRow.run(newId(), T0, 'e3', v1, null);
  old.close();

  const opened = openSqliteStore(file);
  await opened.migrate();
  const s = opened.store;
  const check = openDatabase(file);
  const indexes = check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%verification'").pluck().all();
  check.close();
  expect(indexes.sort()).toEqual(['events_refusal_verification', 'messages_webhook_verification']);

  const ids = (xs: { id: string }[]) => xs.map((x) => x.id);
  expect(ids(await s.verifications.tokensOf(v1))).toEqual([id.t1a, id.t1b]);
  expect(ids(await s.verifications.tokensOf(v2))).toEqual([id.t2a, id.t2b]);
  expect(ids((await s.messages.listMessages({ verificationId: v1, limit: 10 })).items)).toEqual([id.m1b, id.w1, id.m1a]);
  expect(ids((await s.messages.listMessages({ verificationId: v2, limit: 10 })).items)).toEqual([id.m2a]);
  expect((await s.audit.listEvents({ verificationId: v1, limit: 10 })).map((e) => e.type)).toEqual(['e3', 'r1', 'e1']);

  // A resend after the migration continues each chain from where the backfill left its head.
  const before = (await s.verifications.getVerification(v1)) as NonNullable<Awaited<ReturnType<typeof s.verifications.getVerification>>>;
  const fresh = token(v1);
  const after = bump(before, { currentTokenId: fresh.id });
  const m = message(after);
  const e = { id: newId(), at: T0 + 1, type: 'e4', accountId: null, verificationId: v1, subjectId: null, detail: {} };
  expect(
    await s.transactor.commit({ verifications: { update: [{ before, after }] }, tokens: { insert: [fresh] }, messages: [m], events: [e] }),
  ).toEqual({
    ok: true,
  });
  expect(ids(await s.verifications.tokensOf(v1))).toEqual([id.t1a, id.t1b, fresh.id]);
  expect(ids((await s.messages.listMessages({ verificationId: v1, limit: 10 })).items)).toEqual([m.id, id.m1b, id.w1, id.m1a]);
  expect((await s.audit.listEvents({ verificationId: v1, limit: 10 })).map((x) => x.type)).toEqual(['e4', 'e3', 'r1', 'e1']);
  expect((await s.audit.listEvents({ verificationId: v2, limit: 10 })).map((x) => x.type)).toEqual(['e2']);
  await s.health.close();
  rmSync(dir, { recursive: true, force: true });
});

it("after a prune that empties the log, SQLite reuses events' seq: a verification's events are still its own, and a link that now closes a loop ends the walk", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reverify-chains-'));
  const opened = openSqliteStore(join(dir, 'reuse.db'));
  await opened.migrate();
  const s = opened.store;
  const [v, w] = [(await seedOne(s)).v.id, (await seedOne(s)).v.id];
  const event = (type: string, verificationId: string) => ({
    id: newId(),
    at: T0,
    type,
    accountId: null,
    verificationId,
    subjectId: null,
    detail: {},
  });
  await s.audit.append([event('old1', v), event('old2', v), event('old3', v)]);
  expect(await s.audit.prune(T0 + 1)).toBe(3);
  // seq 1 again, linked to the pruned seq 3; then w's seq 2; then v's seq 3, linked to seq 1: 3 -> 1 -> 3.
  await s.audit.append([event('a', v)]);
  await s.audit.append([event('other', w)]);
  await s.audit.append([event('b', v)]);
  const seqs = await openDatabaseSeqs(join(dir, 'reuse.db'));
  expect(seqs).toEqual([
    [1, 'a', 3],
    [2, 'other', null],
    [3, 'b', 1],
  ]);
  expect((await s.audit.listEvents({ verificationId: v, limit: 10 })).map((e) => e.type)).toEqual(['b', 'a']);
  expect((await s.audit.listEvents({ verificationId: w, limit: 10 })).map((e) => e.type)).toEqual(['other']);
  // Emptied again: v's head (3) and w's (2) name pruned rows, and the next three rows are all w's.
  expect(await s.audit.prune(T0 + 1)).toBe(3);
  await s.audit.append([event('w1', w), event('w2', w), event('w3', w)]);
  expect((await s.audit.listEvents({ verificationId: v, limit: 10 })).map((e) => e.type)).toEqual([]);
  expect((await s.audit.listEvents({ verificationId: w, limit: 10 })).map((e) => e.type)).toEqual(['w3', 'w2', 'w1']);
  await s.health.close();
  rmSync(dir, { recursive: true, force: true });
});

const openDatabaseSeqs = async (file: string) => {
  const db = openDatabase(file);
  const seqs = db.prepare('SELECT seq, type, prev_seq FROM events ORDER BY seq').raw().all();
  db.close();
  return seqs;
};

it('a prune leaves a contiguous tail of the log, so what a verification still has is all found through its chain, even when times ran out of order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reverify-chains-'));
  const opened = openSqliteStore(join(dir, 'order.db'));
  await opened.migrate();
  const s = opened.store;
  const v = (await seedOne(s)).v.id;
  const event = (type: string, at: number) => ({ id: newId(), at, type, accountId: null, verificationId: v, subjectId: null, detail: {} });
  // Committed in this order, though the second was stamped earlier (two commands racing, or a clock stepped back).
  await s.audit.append([event('first', T0 + 5)]);
  await s.audit.append([event('second', T0 + 1)]);
  await s.audit.append([event('third', T0 + 6)]);
  await s.audit.prune(T0 + 2);
  const all = (await s.audit.listEvents({ limit: 10 })).map((e) => e.type);
  expect((await s.audit.listEvents({ verificationId: v, limit: 10 })).map((e) => e.type)).toEqual(all);
  expect(all).toEqual(['third']);
  await s.health.close();
  rmSync(dir, { recursive: true, force: true });
});
