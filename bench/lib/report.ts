import type { CaseResult } from './http-case.js';

const ratio = (x: number | null | undefined, of: number | null | undefined): number | null =>
  x != null && of != null && of > 0 ? Math.round((x / of) * 10_000) / 10_000 : null;

const byId = (results: CaseResult[], id: string) => results.find((r) => r.id === id && r.status === 'ok');

/**
 * Adds the two ratios to every measured case: to the bare limit (for deliveries, to nodemailer's
 * pool sending directly) and to Better Auth without its floor (requests only).
 */
export const withRatios = (results: CaseResult[]): CaseResult[] => {
  const bare = byId(results, 'bare')?.rps;
  const direct = byId(results, 'delivery-nodemailer')?.rps;
  const peer = byId(results, 'better-auth-no-floor')?.rps;
  return results.map((r) => ({
    ...r,
    ratio_bare: ratio(r.rps, r.unit === 'msg/s' ? direct : bare),
    ratio_better_auth: r.unit === 'req/s' ? ratio(r.rps, peer) : null,
  }));
};

export interface Target {
  target: string;
  measured: string;
  met: boolean | null;
}

/** Issue 15's targets, each with what this run measured (null: a case it needs did not run). */
export const targets = (results: CaseResult[]): Target[] => {
  const ok = (id: string) => byId(results, id);
  const bare = ok('bare')?.rps;
  const native = ok('native');
  const t = (target: string, value: number | null | undefined, unit: string, pass: (v: number) => boolean): Target => ({
    target,
    measured: value == null ? 'not measured' : `${Number(value.toPrecision(3))}${unit}`,
    met: value == null ? null : pass(value),
  });
  return [
    t('native resend >= 0.6x bare', ratio(native?.rps, bare), 'x', (v) => v >= 0.6),
    t('native resend p99 < 20 ms', native?.p99_ms, ' ms', (v) => v < 20),
    t('native resend, durability full, >= 0.6x bare (NORMAL)', ratio(ok('native-full')?.rps, bare), 'x', (v) => v >= 0.6),
    t('native resend >= 15x Better Auth without floor', ratio(native?.rps, ok('better-auth-no-floor')?.rps), 'x', (v) => v >= 15),
    t('Akana resend >= 100x Better Auth as shipped', ratio(ok('akana')?.rps, ok('better-auth-shipped')?.rps), 'x', (v) => v >= 100),
    t('Sectigo S/MIME resend >= 0.4x bare', ratio(ok('sectigo-smime')?.rps, bare), 'x', (v) => v >= 0.4),
    t('Sectigo DCV resend >= 0.4x bare', ratio(ok('sectigo-dcv')?.rps, bare), 'x', (v) => v >= 0.4),
    t('delivery >= 0.8x nodemailer pool', ratio(ok('delivery-reverify')?.rps, ok('delivery-nodemailer')?.rps), 'x', (v) => v >= 0.8),
    t('1 M stored within 10% of 10 k stored', ratio(ok('growth-large')?.rps, ok('growth-small')?.rps), 'x', (v) => v >= 0.9),
    t('native resend peak RSS < 200 MB', native?.rss_mb, ' MB', (v) => v < 200),
  ];
};

const num = (v: number | null | undefined, digits = 0) =>
  v == null ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** More decimals for small ratios, so 0.001x does not read as 0. */
const digitsFor = (v: number | null, below: number, small: number, usual: number) => (v != null && v < below ? small : usual);

const compact = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(Math.round(v)));

/** Each repetition's rate, so the spread behind a median shows. */
const eachRun = (r: CaseResult): string =>
  Array.isArray(r.repetitions) && r.repetitions.length > 1 ? (r.repetitions as { rps: number }[]).map((x) => compact(x.rps)).join(' ') : '';

/** The one table: case, rate, p50, p99, peak RSS, the two ratios, and each run's rate. */
export const table = (results: CaseResult[]): string => {
  const head = ['case', 'rate', 'p50 ms', 'p99 ms', 'peak RSS MB', 'x bare', 'x Better Auth', 'each run'];
  const rows = results.map((r) => [
    r.name,
    r.status === 'ok' ? `${num(r.rps)} ${r.unit}` : `${r.status}: ${r.detail ?? ''}`,
    num(r.p50_ms, 1),
    num(r.p99_ms, 1),
    num(r.rss_mb),
    num(r.ratio_bare as number | null, digitsFor(r.ratio_bare as number | null, 0.1, 3, 2)),
    num(r.ratio_better_auth as number | null, digitsFor(r.ratio_better_auth as number | null, 1, 2, 1)),
    eachRun(r),
  ]);
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const cells = [head, ...rows].map((row) => row.map((c, i) => (i === 1 ? cut(c, 40) : c)));
  const widths = head.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(cells[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
};

export const targetLines = (ts: Target[]): string =>
  ts.map((t) => `${t.met === null ? '  ?' : t.met ? ' ok' : 'NOT'}  ${t.target}: ${t.measured}`).join('\n');
