import { randomUUID } from 'node:crypto';
import { OPERATOR } from '../../src/core/access/permissions.js';
import { newId } from '../../src/core/ids.js';
import { seedFixture } from '../../src/fixtures/load-fixtures.js';
import type { Fixture } from '../../src/fixtures/schema.js';
import type { Runtime } from '../../src/runtime/create-runtime.js';
import { type Db, openDatabase } from '../../src/store/sqlite/database.js';

/** What the parent needs to build requests: targets to spread the load over, and credentials. */
export type Seeded = Record<string, unknown>;

export const LOGIN = { loginName: 'bench_login', loginPassword: 'bench-password-0123' };
export const DIGICERT_KEY = 'bench-digicert-key-0123456789abcdef';
/** Alibaba throttles each access key to 100 requests a second: the load is spread over this many. */
const ACCESS_KEYS = 200;

/** A connection of its own to the service's SQLite file, for bulk inserts (the adapter's is private to it). */
export const dbOf = (rt: Runtime): Db => {
  const url = rt.settings.databaseUrl;
  if (!url.startsWith('sqlite:')) throw new Error('bulk seeding needs SQLite');
  return openDatabase(url.slice('sqlite:'.length));
};

/** Runs `make(i)` for i < n, at most `width` at a time (group commit shares their transactions). */
const inParallel = async (n: number, width: number, make: (i: number) => Promise<unknown>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await make(next++);
    }),
  );
};

/** Loads a fixture through the real loader, in chunks side by side. */
const seedInChunks = async (rt: Runtime, head: Fixture, entries: Fixture, chunk = 100) => {
  await seedFixture(rt, head);
  const [key, list] = Object.entries(entries)[0] as [keyof Fixture, unknown[]];
  const parts = Math.ceil(list.length / chunk);
  await inParallel(parts, 8, (p) => seedFixture(rt, { [key]: list.slice(p * chunk, (p + 1) * chunk) }));
};

const nativeVerifications = async (rt: Runtime, n: number): Promise<Seeded> => {
  const ids: string[] = new Array(n);
  await inParallel(n, 64, async (i) => {
    ids[i] = (await rt.verifications.create(OPERATOR, { recipient: `r${i}@bench.example`, purpose: 'email_ownership' })).id;
  });
  return { ids };
};

/**
 * `stored` pending verifications, each with its current token, inserted by plain SQL in one
 * transaction into the schema the real migrations made: rows cloned from one verification the
 * service created, with fresh ids, recipients and token hashes. Returns a sample spread over them.
 */
const storedVerifications = async (rt: Runtime, stored: number, sample: number): Promise<Seeded> => {
  const db = dbOf(rt);
  const template = await rt.verifications.create(OPERATOR, { recipient: 'template@bench.example', purpose: 'email_ownership' });
  const v = db.prepare('SELECT * FROM verifications WHERE id = ?').get(template.id) as Record<string, unknown>;
  const t = db.prepare('SELECT * FROM tokens WHERE id = ?').get(v.current_token_id) as Record<string, unknown>;
  const insertInto = (table: string, row: Record<string, unknown>) => {
    const cols = Object.keys(row);
    const stmt = db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    return (over: Record<string, unknown>) => stmt.run(...cols.map((c) => (c in over ? over[c] : row[c])));
  };
  const addVerification = insertInto('verifications', v);
  const addToken = insertInto('tokens', t);
  const every = Math.max(1, Math.floor(stored / sample));
  const ids: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < stored; i++) {
      const id = newId();
      const tokenId = newId();
      // Each verification's chains start at its own token; the template's message and event are not its own.
      addVerification({
        id,
        recipient: `g${i}@bench.example`,
        current_token_id: tokenId,
        token_head: tokenId,
        message_head: null,
        event_head: null,
      });
      addToken({ id: tokenId, verification_id: id, hash: randomUUID(), sealed: null, prev_id: null });
      if (i % every === 0 && ids.length < sample) ids.push(id);
    }
  })();
  // A store that grew to this size over time has had its WAL copied back all along: without this, the
  // one bulk transaction's WAL (hundreds of MB at 1 M) would be checkpointed during the measurement.
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { ids, stored: stored + 1 };
};

const smimeOrders = async (rt: Runtime, n: number): Promise<Seeded> => {
  const orders = Array.from({ length: n }, (_, i) => `S${100000 + i}`);
  await seedInChunks(
    rt,
    { accounts: [{ name: 'bench', ...LOGIN }] },
    {
      orders: orders.map((orderNumber, i) => ({
        account: 'bench',
        type: 'smime',
        orderNumber,
        emails: [`m${i}@bench.example`],
        state: 'issued',
      })),
    },
  );
  return { orders, ...LOGIN };
};

const sslOrders = async (rt: Runtime, n: number): Promise<Seeded> => {
  const orders = Array.from({ length: n }, (_, i) => String(1_000_000 + i));
  await seedInChunks(
    rt,
    { accounts: [{ name: 'bench', ...LOGIN, apiKeys: [{ key: DIGICERT_KEY, role: 0 }] }] },
    {
      orders: orders.map((orderNumber, i) => ({
        account: 'bench',
        type: 'ssl',
        orderNumber,
        domains: [`d${i}.example`],
        dcvEmail: `admin@d${i}.example`,
        state: 'awaiting_dcv',
      })),
    },
  );
  return { orders, ...LOGIN, apiKey: DIGICERT_KEY };
};

const emailIdentities = async (rt: Runtime, n: number): Promise<Seeded> => {
  const accessKeys = Array.from({ length: ACCESS_KEYS }, (_, i) => ({ id: `LTAIbench${i}`, secret: `benchAccessSecret-${i}-0123456789` }));
  const emails = Array.from({ length: n }, (_, i) => `e${i}@bench.example`);
  await seedInChunks(
    rt,
    { accounts: [{ name: 'bench', accessKeys }] },
    { emailVerifications: emails.map((email) => ({ account: 'bench', email })) },
  );
  return { emails, accessKeys };
};

const signups = async (rt: Runtime, n: number): Promise<Seeded> => {
  const emails = Array.from({ length: n }, (_, i) => `s${i}@bench.example`);
  await seedInChunks(rt, {}, { users: emails.map((emailAddress) => ({ emailAddress })) });
  return { emails };
};

/** Seeds what a scenario's requests act on; `n` spreads them so no per-recipient rule ever binds. */
export const seedScenario = async (rt: Runtime, scenario: string, n: number, stored: number): Promise<Seeded> => {
  switch (scenario) {
    case 'native':
    case 'fill':
      return nativeVerifications(rt, n);
    case 'delivery':
      return {};
    case 'growth':
      return storedVerifications(rt, stored, n);
    case 'smime':
      return smimeOrders(rt, n);
    case 'ssl':
      return sslOrders(rt, n);
    case 'alibaba':
      return emailIdentities(rt, n);
    case 'akana':
      return signups(rt, n);
    default:
      throw new Error(`unknown BENCH_SCENARIO ${scenario}`);
  }
};
