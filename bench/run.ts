/**
 * `npm run bench`: every case of the suite in one run, on 127.0.0.1, each server in its own child
 * process, autocannon from this one. Prints one table and issue 15's targets, and writes
 * results/latest.json and results/latest.svg (BENCH_OUT=DIR writes them elsewhere). BENCH_QUICK=1
 * runs every case once for 1 s on small seeds; BENCH_ONLY=id,id runs only those cases.
 * Bounded: a case that hangs is cut off, and the whole run stops itself after its time limit.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { allCases } from './lib/cases.js';
import { chartSvg } from './lib/chart.js';
import { benchConfig } from './lib/config.js';
import type { CaseResult } from './lib/http-case.js';
import { table, targetLines, targets, withRatios } from './lib/report.js';

const cfg = benchConfig(join(import.meta.dirname, 'results'));
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const cases = allCases(cfg).filter((c) => !only || only.includes(c.id));
const caseLimitMs = cfg.quick ? 90_000 : 15 * 60_000;
const runLimitMs = cases.length * caseLimitMs;
setTimeout(() => {
  console.error(`bench: the run took longer than ${runLimitMs / 1000} s; stopping`);
  process.exit(2);
}, runLimitMs).unref();

const withLimit = <T>(work: Promise<T>, ms: number): Promise<T> =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`cut off after ${ms / 1000} s`)), ms).unref())]);

const results: CaseResult[] = [];
for (const [i, c] of cases.entries()) {
  const started = Date.now();
  process.stdout.write(`[${i + 1}/${cases.length}] ${c.name} ... `);
  let outcome: Awaited<ReturnType<typeof c.run>>;
  try {
    outcome = await withLimit(c.run(cfg), caseLimitMs);
  } catch (e) {
    outcome = { status: 'failed', detail: (e as Error).message, unit: 'req/s', rps: null, p50_ms: null, p99_ms: null, rss_mb: null };
  }
  results.push({ id: c.id, name: c.name, group: c.group, ...outcome });
  const shown = outcome.status === 'ok' ? `${outcome.rps} ${outcome.unit}` : `${outcome.status}: ${outcome.detail ?? ''}`;
  console.log(`${shown} (${Math.round((Date.now() - started) / 1000)} s)`);
}

const final = withRatios(results);
const met = targets(final);
const at = new Date().toISOString();
const summary = {
  at,
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  quick: cfg.quick,
  connections: cfg.connections,
  warmup_s: cfg.warmupS,
  duration_s: cfg.durationS,
  repetitions: cfg.repetitions,
  cases: final,
  targets: met,
};
mkdirSync(cfg.outDir, { recursive: true });
writeFileSync(join(cfg.outDir, 'latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
const title = `Reverify bench ${at.slice(0, 10)}: ${cfg.connections} connections, ${cfg.repetitions} x ${cfg.durationS} s, medians${cfg.quick ? ' (QUICK: not a measurement)' : ''}`;
writeFileSync(join(cfg.outDir, 'latest.svg'), chartSvg(final, title));
const busy = final.filter((r) => typeof r.other_cpu_pct === 'number' && r.other_cpu_pct > 5);
const warning = busy.length
  ? `\nBUSY MACHINE: other processes used CPU while these were measured; their numbers are low and noisy:\n${busy.map((r) => `  ${r.name}: ${r.other_cpu_pct}% of the CPU`).join('\n')}\n`
  : '';
const pgLines = final
  .filter((r) => r.group === 'postgres' && r.status === 'ok')
  .map(
    (r) =>
      `  ${r.nodes} node(s): ${r.rps} req/s, p99 ${r.p99_ms} ms; CPU per request: nodes ${r.node_cpu_ms_per_request} ms, PostgreSQL ${r.database_cpu_ms_per_request} ms (${r.database_cpu_share_pct}% of the two)`,
  );
const pgSummary = pgLines.length ? `\nPostgreSQL (its CPU measured apart, not counted as other):\n${pgLines.join('\n')}\n` : '';
console.log(
  `\n${title}\n\n${table(final)}\n${pgSummary}${warning}\nIssue 15 targets:\n${targetLines(met)}\n\nwritten: ${join(cfg.outDir, 'latest.json')}, latest.svg`,
);
process.exit(0);
