import { type Ready, ServerChild } from './child.js';
import type { BenchConfig } from './config.js';
import { type BenchRequest, measureLoad, probe } from './load.js';
import { otherCpu } from './machine.js';

export type CaseStatus = 'ok' | 'failed' | 'unavailable' | 'pending';

/** What running a case gives: one entry of latest.json without its id, name and group. */
export interface Outcome {
  status: CaseStatus;
  /** Why a case failed or could not run; or what to know about its numbers. */
  detail?: string;
  unit: 'req/s' | 'msg/s';
  rps: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  rss_mb: number | null;
  [extra: string]: unknown;
}

/** One row of the table and one entry of latest.json. */
export interface CaseResult extends Outcome {
  id: string;
  name: string;
  group: string;
}

export interface BenchCase {
  id: string;
  name: string;
  group: string;
  run(cfg: BenchConfig): Promise<Outcome>;
}

export const notRun = (status: CaseStatus, detail: string, unit: CaseResult['unit'] = 'req/s'): Outcome => ({
  status,
  detail,
  unit,
  rps: null,
  p50_ms: null,
  p99_ms: null,
  rss_mb: null,
});

/** An answer in a few words: its error code where the body has one (XML, JSON or Sectigo's), else its start. */
const short = (s: string) => {
  const code = /<Code>([^<]+)<\/Code>|"(?:Code|code|message)"\s*:\s*"([^"]+)"|errorCode=(-?\d+)/.exec(s);
  const found = code?.slice(1).find(Boolean);
  return found ?? s.replace(/\s+/g, ' ').slice(0, 80);
};

export interface HttpCaseSpec {
  script: string;
  env?: (cfg: BenchConfig) => Record<string, string>;
  /** Makes the request generator from what the server seeded: each call, the next request. */
  requests: (ready: Ready) => () => BenchRequest;
  /** Is this answer a success? (checked on one request before the load) */
  accept: (status: number, body: string) => boolean;
  extra?: (ready: Ready) => Record<string, unknown>;
}

/**
 * A server in its own process, one request checked (its answer, and that it caused work: a queued
 * message, a recorded email), then the load; peak RSS from warm-up to the end.
 */
export const httpCase = (id: string, name: string, group: string, spec: HttpCaseSpec): BenchCase => ({
  id,
  name,
  group,
  async run(cfg) {
    const server = await ServerChild.start(spec.script, spec.env?.(cfg) ?? {}, cfg.startTimeoutMs);
    try {
      const next = spec.requests(server.ready);
      const before = await server.work();
      const answer = await probe(server.ready.port, next());
      if (!spec.accept(answer.status, answer.body)) return notRun('failed', `${answer.status} ${short(answer.body)}`);
      const after = await server.work();
      if (after <= before) return notRun('failed', `${answer.status} but no work was done`);
      server.resetRss();
      const otherCpuPct = await otherCpu([server]);
      const load = await measureLoad(server.ready.port, next, cfg);
      const other_cpu_pct = await otherCpuPct();
      const rss_mb = await server.peakRssMb();
      const work = (await server.work()) - after;
      const workPerRequest = load.requests > 0 ? Math.round((work / load.requests) * 100) / 100 : null;
      const notes = [
        load.non2xx + load.errors > 0 ? `${load.non2xx} non-2xx, ${load.errors} errors` : '',
        workPerRequest !== null && workPerRequest < 0.95 ? `work per request ${workPerRequest}` : '',
      ].filter(Boolean);
      const { requests, ...numbers } = load;
      return {
        status: 'ok',
        unit: 'req/s',
        ...numbers,
        rss_mb,
        requests,
        work_per_request: workPerRequest,
        other_cpu_pct,
        ...(notes.length ? { detail: notes.join('; ') } : {}),
        ...spec.extra?.(server.ready),
      };
    } finally {
      await server.stop();
    }
  },
});

/** Round robin over a seeded list. */
export const cycle = <T>(items: T[]) => {
  let i = 0;
  return (): T => items[i++ % items.length] as T;
};

export const list = <T = string>(ready: Ready, key: string): T[] => {
  const v = ready[key];
  if (!Array.isArray(v) || v.length === 0) throw new Error(`server seeded no ${key}`);
  return v as T[];
};
