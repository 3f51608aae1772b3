import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'reverify-bench-quick-'));

/** Every case the suite has; the quick run must report each of them, whatever its numbers. */
const caseIds = [
  'bare',
  'bare-full',
  'native',
  'native-accept',
  'native-full',
  'sectigo-smime',
  'sectigo-dcv',
  'digicert',
  'alibaba-v1',
  'alibaba-acs3',
  'akana',
  'native-postgres',
  'native-postgres-2',
  'native-postgres-3',
  'better-auth-shipped',
  'better-auth-no-floor',
  'delivery-reverify',
  'delivery-nodemailer',
  'growth-small',
  'growth-large',
];

/** Cases that wait on work elsewhere (ACS3 in the server, PostgreSQL support): any status will do. */
const mayNotRun = new Set(['alibaba-acs3', 'native-postgres', 'native-postgres-2', 'native-postgres-3']);

const numberOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0);

describe('npm run bench, quick', () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs every case and writes one well-formed entry per case, and a chart', { timeout: 170_000 }, async () => {
    await run(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
      env: { ...process.env, BENCH_QUICK: '1', BENCH_OUT: out },
      timeout: 160_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const summary = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    expect(summary.quick).toBe(true);
    expect(summary.cases.map((c: { id: string }) => c.id)).toEqual(caseIds);
    for (const c of summary.cases) {
      expect(typeof c.name, c.id).toBe('string');
      expect(['ok', 'failed', 'unavailable', 'pending'], c.id).toContain(c.status);
      for (const key of ['rps', 'p50_ms', 'p99_ms', 'rss_mb']) expect(numberOrNull(c[key]), `${c.id}.${key}`).toBe(true);
      // A case that ran has a rate and a peak RSS; one that did not says why.
      if (!mayNotRun.has(c.id)) expect(c.status, `${c.id}: ${c.detail}`).toBe('ok');
      if (c.status === 'ok') expect([typeof c.rps, typeof c.rss_mb], c.id).toEqual(['number', 'number']);
      else expect(typeof c.detail, c.id).toBe('string');
    }
    const svg = readFileSync(join(out, 'latest.svg'), 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const c of summary.cases) expect(svg).toContain(c.name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });
});
