import { request } from 'node:http';
import autocannon from 'autocannon';
import type { BenchConfig } from './config.js';

/** One request as the load generator sends it; a case makes a new one for every request. */
export interface BenchRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Repetition {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  /** Answers other than 2xx, and connection errors or timeouts. */
  non2xx: number;
  errors: number;
  /** 2xx answers. */
  ok: number;
}

export interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  non2xx: number;
  errors: number;
  repetitions: Repetition[];
  /** 2xx answers in all, warm-up included. */
  requests: number;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/**
 * Sends one request as the load would, on a connection of its own (no pooled socket from an earlier
 * server on the same port), and returns its status and body: a case checks them before loading.
 */
export const probe = (port: number, req: BenchRequest): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const r = request(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers, agent: false, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error('probe timed out')));
    r.on('error', reject);
    r.end(req.body);
  });

const once = async (port: number, next: () => BenchRequest, connections: number, duration: number): Promise<Repetition> => {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    timeout: 10,
    requests: [
      {
        setupRequest: (req) => {
          const r = next();
          // autocannon writes Content-Length into the headers object it is given: never share one.
          return { ...req, ...r, headers: { ...r.headers } };
        },
      },
    ],
  });
  const ok = Object.entries(r.statusCodeStats ?? {})
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, s]) => sum + (s.count ?? 0), 0);
  return {
    rps: Math.round((ok / Math.max(r.duration, 0.001)) * 10) / 10,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    ok,
  };
};

/**
 * autocannon at `connections` against 127.0.0.1:port: a warm-up, then `repetitions` measured runs.
 * req/s counts 2xx answers only; the medians of the repetitions are reported.
 */
export const measureLoad = async (port: number, next: () => BenchRequest, cfg: BenchConfig): Promise<LoadResult> => {
  const warm = cfg.warmupS > 0 ? (await once(port, next, cfg.connections, cfg.warmupS)).ok : 0;
  const reps: Repetition[] = [];
  for (let i = 0; i < cfg.repetitions; i++) reps.push(await once(port, next, cfg.connections, cfg.durationS));
  return {
    rps: median(reps.map((r) => r.rps)),
    p50_ms: median(reps.map((r) => r.p50_ms)),
    p99_ms: median(reps.map((r) => r.p99_ms)),
    non2xx: reps.reduce((s, r) => s + r.non2xx, 0),
    errors: reps.reduce((s, r) => s + r.errors, 0),
    repetitions: reps,
    requests: warm + reps.reduce((s, r) => s + r.ok, 0),
  };
};
