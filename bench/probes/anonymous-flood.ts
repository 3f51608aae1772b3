/**
 * Issue 9.5: can anonymous requests grow the database without bound? Floods Akana `resendActivation`
 * with unknown addresses for FLOOD_SECONDS (20) at 50 connections, first from one client, then from a
 * new client address on every request (X-Forwarded-For through a trusted proxy: per-IP limits cannot
 * help there), with the service's default limits; after each phase waits for the request worker to
 * finish, then prints the rate, the rows added per table and the growth of the database files, and
 * how long the per-client charges stay (they end with their one-minute window, dropped by the upkeep).
 * 127.0.0.1 only, bounded in time.
 *
 *   npx tsx bench/probes/anonymous-flood.ts
 */
import { existsSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { startProbeService } from './service.js';

const SECONDS = Number(process.env.FLOOD_SECONDS ?? 20);

const rowCounts = (file: string): Record<string, number> => {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
    }[];
    return Object.fromEntries(
      tables.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n]),
    );
  } finally {
    db.close();
  }
};

const bytes = (file: string) => [file, `${file}-wal`].reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);

const main = async () => {
  const service = await startProbeService({ REVERIFY_TRUSTED_PROXIES: '127.0.0.1/32' });
  const { base, databaseFile: file } = service;
  try {
    const phase = async (manyClients: boolean) => {
      const before = rowCounts(file);
      const size = bytes(file);
      let n = 0;
      const result = await autocannon({
        url: `${base}/api/users/resendActivation`,
        connections: 50,
        duration: SECONDS,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              n++;
              return {
                ...req,
                headers: {
                  'content-type': 'application/x-www-form-urlencoded',
                  'x-forwarded-for': manyClients ? `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` : '10.0.0.1',
                },
                body: `emailAddress=nobody-${n}-${Math.random().toString(36).slice(2)}%40unknown.example`,
              };
            },
          },
        ],
      });
      // The request worker works the queue off the request path: wait until it is empty (at most 60 s).
      for (let i = 0; i < 600 && (rowCounts(file).queued_requests ?? 0) > 0; i++) await sleep(100);
      const after = rowCounts(file);
      const added = Object.fromEntries(
        Object.entries(after)
          .map(([t, c]) => [t, c - (before[t] ?? 0)] as const)
          .filter(([, d]) => d !== 0),
      );
      return {
        requests: result.requests.total,
        rps: Math.round(result.requests.average),
        statuses: { '2xx': result['2xx'], non2xx: result.non2xx },
        rows_added: added,
        files_grew_mb: Number(((bytes(file) - size) / 1048576).toFixed(1)),
      };
    };
    const one = await phase(false);
    const many = await phase(true);
    // Each client's admission charge ends with its one-minute window; the upkeep (every minute) drops it.
    const flooded = Date.now();
    let left = rowCounts(file).quota_charges ?? 0;
    while (left > 1000 && Date.now() - flooded < 180_000) {
      await sleep(1000);
      left = rowCounts(file).quota_charges ?? 0;
    }
    const pruned = { quota_charges_left: left, seconds_after_the_flood: Math.round((Date.now() - flooded) / 1000) };
    console.log(JSON.stringify({ seconds: SECONDS, from_one_client: one, from_a_new_client_each_request: many, pruned }, null, 2));
  } finally {
    await service.stop();
  }
};

await main();
process.exit(0);
