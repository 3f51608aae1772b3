import { Writable } from 'node:stream';
import pino from 'pino';
import { expect, it } from 'vitest';
import { loadSettings } from '../src/config/load.js';
import { createRuntime } from '../src/runtime/create-runtime.js';
import { createMetrics } from '../src/runtime/metrics.js';
import type { WalCheckpointerState } from '../src/store/store.js';

const noMessages = {
  queueDepth: async () => ({}) as never,
  queueAge: async () => ({}) as never,
};

it('a metric tells whether the SQLite WAL checkpointer thread is alive, and only where there is one', async () => {
  let state: WalCheckpointerState = 'idle';
  const metrics = createMetrics(noMessages, Date.now, { walCheckpointer: () => state });
  const gauge = async () => (await metrics.registry.getSingleMetricAsString('reverify_sqlite_wal_checkpointer_up')).split('\n').at(-1);
  expect(await gauge()).toBe('reverify_sqlite_wal_checkpointer_up 1');
  state = 'running';
  expect(await gauge()).toBe('reverify_sqlite_wal_checkpointer_up 1');
  state = 'died';
  expect(await gauge()).toBe('reverify_sqlite_wal_checkpointer_up 0');
  // PostgreSQL, or an in-memory SQLite store: no such thread, no such metric.
  expect(createMetrics(noMessages).registry.getSingleMetric('reverify_sqlite_wal_checkpointer_up')).toBeUndefined();
});

it('the upkeep logs once, as an error, that the WAL checkpointer thread ended', async () => {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const settings = {
    ...loadSettings({ env: {} }),
    databaseUrl: 'sqlite::memory:',
    adminToken: 'visibility-admin-token-0123456789',
    secretKey: 'test-secret-key-0123456789abcdef0123456789',
  };
  const rt = await createRuntime(settings, { logger: pino({ level: 'info' }, sink) });
  const told = () => lines.filter((l) => l.level === 50 && l.msg.includes('WAL checkpointer thread ended'));
  // In memory: no WAL, so neither a checkpointer state nor its metric.
  expect(rt.store.health.walCheckpointer).toBeUndefined();
  expect(rt.metrics.registry.getSingleMetric('reverify_sqlite_wal_checkpointer_up')).toBeUndefined();
  await rt.upkeep();
  expect(told()).toHaveLength(0);
  // Stands for a thread that ended: the store's own report of it (adapter.test.ts makes one die).
  rt.store.health.walCheckpointer = () => 'died';
  await rt.upkeep();
  await rt.upkeep();
  expect(told()).toHaveLength(1);
  await rt.close();
});
