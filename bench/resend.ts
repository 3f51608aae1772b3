import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';

/**
 * Reverify's native resend endpoint against the bare limit (node:http + better-sqlite3 inserting one
 * outbox row per request), in one run: each server in its own child process, autocannon here,
 * 50 connections, warm-up then a measured run. Loopback only; bounded in time; stops by itself.
 */
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = 3;

interface Ready {
  ready: true;
  port: number;
  ids: string[];
}

interface Result {
  name: string;
  requestsPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  peakRssMb: number;
}

const start = async (script: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; ready: Ready }> => {
  const child = fork(join(import.meta.dirname, 'servers', script), [], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [])],
    env: { ...process.env, ...env },
    stdio: 'inherit',
  });
  const [ready] = (await once(child, 'message')) as [Ready];
  return { child, ready };
};

const load = (port: number, ids: string[], path: (id: string) => string, headers: Record<string, string>, duration: number) => {
  let i = 0;
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (req) => ({ ...req, path: path(ids[i++ % ids.length] ?? '') }),
      },
    ],
  });
};

const measure = async (
  name: string,
  script: string,
  path: (id: string) => string,
  headers: Record<string, string>,
  env: Record<string, string> = {},
): Promise<Result> => {
  const { child, ready } = await start(script, env);
  try {
    await load(ready.port, ready.ids, path, headers, WARMUP_S);
    child.send('reset-rss');
    const r = await load(ready.port, ready.ids, path, headers, DURATION_S);
    child.send('peak-rss');
    const [{ peakRss }] = (await once(child, 'message')) as [{ peakRss: number }];
    return {
      name,
      requestsPerSec: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
      peakRssMb: Math.round(peakRss / 1048576),
    };
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
};

const auth = { authorization: 'Bearer bench-admin-token-0123456789' };
const results: Result[] = [
  await measure('bare node:http + better-sqlite3', 'bare-server.ts', (id) => `/resend/${id}`, {}),
  await measure('reverify POST /v1/verifications/:id/resend', 'reverify-server.ts', (id) => `/v1/verifications/${id}/resend`, auth),
];
const [bare, reverify] = results as [Result, Result];
console.table(results);
const ratio = reverify.requestsPerSec / bare.requestsPerSec;
console.log(`reverify / bare req/s: ${ratio.toFixed(2)} (target >= 0.6); reverify p99 ${reverify.p99} ms (target < 20 ms)`);
const summary = { at: new Date().toISOString(), node: process.version, connections: CONNECTIONS, durationS: DURATION_S, results, ratio };
writeFileSync(join(import.meta.dirname, 'results', 'latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
