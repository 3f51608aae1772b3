import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../../test/helpers/ports.js';
import { startPostgres, type TestPostgres } from '../../../test/helpers/postgres.js';
import { bump, seedOne } from '../contract/entities.js';
import { storeContract } from '../contract/index.js';
import { postgresMigrations } from './migrations.js';
import { openPostgresStore } from './store.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => server?.close());

const open = (url: string) => openPostgresStore({ url, poolSize: 4, statementTimeoutMs: 10_000 });

storeContract('postgres (one database, two pools)', async () => {
  const url = await server.createDatabase();
  const a = open(url);
  const b = open(url);
  return {
    a: a.store,
    b: b.store,
    async cleanup() {
      await a.store.health.close();
      await b.store.health.close();
    },
  };
});

it('migrates once when several nodes migrate at once (advisory lock), and is then ready', async () => {
  const url = await server.createDatabase({ empty: true });
  const nodes = [open(url), open(url), open(url)];
  expect(await nodes[0]?.store.health.ready()).toBe(false);
  const results = await Promise.all(nodes.map((n) => n.migrate()));
  expect(results.filter((r) => r.length > 0)).toEqual([postgresMigrations.map((m) => m.id)]);
  for (const n of nodes) {
    expect(await n.store.health.ready()).toBe(true);
    await n.store.health.close();
  }
});

it('a database that is not there is a setting to fix; a server that does not answer is unavailable', async () => {
  const missing = new URL(await server.createDatabase());
  missing.pathname = '/no_such_database';
  const wrong = open(missing.toString());
  await expect(wrong.migrate()).rejects.toMatchObject({ name: 'Unavailable', message: expect.stringMatching(/^REVERIFY_DATABASE_URL: /) });
  expect(await wrong.store.health.ready()).toBe(false);
  await wrong.store.health.close();
  const closed = new URL(missing);
  closed.port = String(await freePort());
  const down = open(closed.toString());
  await expect(down.store.verifications.getVerification('x')).rejects.toMatchObject({
    name: 'Unavailable',
    message: expect.stringMatching(/^database unavailable: .*ECONNREFUSED/),
  });
  await down.store.health.close();
});

it('a batch that changes one row twice applies both changes in order, or neither', async () => {
  const { store } = open(await server.createDatabase());
  try {
    const { v } = await seedOne(store);
    const v2 = bump(v, { locale: 'de' });
    const v3 = bump(v2, { locale: 'fr' });
    expect(
      await store.transactor.commit({
        verifications: {
          update: [
            { before: v, after: v2 },
            { before: v2, after: v3 },
          ],
        },
      }),
    ).toEqual({
      ok: true,
    });
    expect(await store.verifications.getVerification(v.id)).toEqual(v3);
    const stale = await store.transactor.commit({
      verifications: {
        update: [
          { before: v3, after: bump(v3, { locale: 'es' }) },
          { before: v2, after: bump(v2, { locale: 'it' }) },
        ],
      },
    });
    expect(stale).toEqual({ ok: false, reason: 'conflict' });
    expect(await store.verifications.getVerification(v.id)).toEqual(v3);
  } finally {
    await store.health.close();
  }
});
