import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR } from '../src/core/access/permissions.js';
import { ADMIN_TOKEN, ManualClock, startService } from './helpers/service.js';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'reverify-bulk-'));
const env = {
  ...process.env,
  REVERIFY_DATABASE_URL: `sqlite:${join(dir, 'reverify.db')}`,
  REVERIFY_ADMIN_TOKEN: ADMIN_TOKEN,
  REVERIFY_SECRET_KEY: 'test-secret-key-0123456789abcdef0123456789',
  REVERIFY_LOG_LEVEL: 'silent',
  REVERIFY_ACCOUNT_MAX_PER_HOUR: '600',
};

/** Runs `reverify resend ...`; `onLine` sees each line of its progress output (stderr, not a TTY here). */
const resend = (args: string[], onLine: (line: string, child: ChildProcess) => void = () => {}) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'resend', '--pending', ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      const before = stderr.length;
      stderr += d;
      for (const line of stderr
        .slice(stderr.lastIndexOf('\n', before - 1) + 1)
        .split('\n')
        .slice(0, -1))
        onLine(line, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

const db = () => new Database(join(dir, 'reverify.db'), { readonly: true, fileMustExist: true });

describe('the bulk resend against 2,000 pending verifications', () => {
  const ids: Record<'acme' | 'globex' | 'none' | 'recent' | 'cancelled', string[]> = {
    acme: [],
    globex: [],
    none: [],
    recent: [],
    cancelled: [],
  };
  let runStart = 0;

  beforeAll(async () => {
    // Created three hours ago (and some 10 minutes ago), on the file the command will use.
    const clock = new ManualClock(Date.now() - 3 * HOUR);
    const svc = await startService({ accountMaxPerHour: 600 }, { clock, courier: false, dir });
    try {
      for (const name of ['acme', 'globex']) await svc.rt.accounts.create(OPERATOR, { name });
      const create = async (group: keyof typeof ids, n: number, account?: string) => {
        for (let i = 0; i < n; i += 50) {
          const batch = Array.from({ length: Math.min(50, n - i) }, (_, j) =>
            svc.rt.verifications.create(OPERATOR, {
              recipient: `${group}-${ids[group].length + i + j}@bulk.example`,
              purpose: 'email_ownership',
              account,
            }),
          );
          ids[group].push(...(await Promise.all(batch)).map((v) => v.id));
        }
      };
      // acme: 600 in one hour (its hourly ceiling), 100 more an hour later: 700 in all.
      await create('acme', 600, 'acme');
      await create('globex', 600, 'globex');
      await create('none', 700);
      clock.advance(61 * 60_000);
      await create('acme', 100, 'acme');
      await create('cancelled', 30);
      for (const id of ids.cancelled) await svc.rt.verifications.cancel(OPERATOR, id);
      clock.advance(Date.now() - 10 * 60_000 - clock.now());
      await create('recent', 30);
    } finally {
      await svc.close();
    }
    runStart = Date.now();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('interrupted at about half and resumed: each eligible one gets exactly one email, quotas hold, refusals are counted', async () => {
    let signalled = false;
    const first = await resend(['--older-than', '1h', '--rate', '400/s'], (line, child) => {
      const done = /^resend: (\d+)\/2000 done/.exec(line);
      if (done && Number(done[1]) >= 1000 && !signalled) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    expect(signalled).toBe(true);
    expect(first.code).toBe(130);
    expect(first.stdout).toContain('resend: 2000 pending verifications last emailed before');
    expect(first.stdout).toContain('interrupted: run the same command again to resume');
    const reachedFirst = Number(/resend: (\d+) sent/.exec(first.stdout)?.[1]);
    expect(reachedFirst).toBeGreaterThan(0);
    expect(/(\d+) not reached/.exec(first.stdout)?.[1]).toBeDefined();

    const second = await resend(['--older-than', '1h']);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/resend: \d+\/\d+ done/);

    const conn = db();
    try {
      const sends = new Map<string, number>();
      for (const r of conn
        .prepare('SELECT verification_id AS id, count(*) AS n FROM messages WHERE created_at >= ? GROUP BY verification_id')
        .all(runStart) as { id: string; n: number }[])
        sends.set(r.id, r.n);
      const sentTo = (group: keyof typeof ids) => ids[group].filter((id) => sends.has(id)).length;
      // Nobody twice, across the interrupted run and the resumed one.
      expect(Math.max(...sends.values())).toBe(1);
      expect(sentTo('globex')).toBe(600);
      expect(sentTo('none')).toBe(700);
      // acme may send 600 an hour: the other 100 are refused, not retried, and get nothing.
      expect(sentTo('acme')).toBe(600);
      expect(sentTo('recent')).toBe(0);
      expect(sentTo('cancelled')).toBe(0);
      expect(sends.size).toBe(1900);

      const runs = (
        conn.prepare("SELECT detail FROM events WHERE type = 'bulk_resend.finished' ORDER BY seq").all() as { detail: string }[]
      ).map((r) => JSON.parse(r.detail));
      expect(runs).toHaveLength(2);
      expect(runs[0]).toMatchObject({ interrupted: true, candidates: 2000, sent: reachedFirst });
      expect(runs[0].remaining).toBeGreaterThan(0);
      expect(runs[1]).toMatchObject({ interrupted: false, remaining: 0, sent: 1900 - reachedFirst });
      expect(runs[1].candidates).toBe(2000 - reachedFirst);
      expect(runs[1].refused.account_hourly).toBeGreaterThan(0);
      expect((runs[0].refused.account_hourly ?? 0) + runs[1].refused.account_hourly).toBeGreaterThanOrEqual(100);
    } finally {
      conn.close();
    }

    // Once more: everyone was reached within the hour, so nobody qualifies but the refused.
    const third = await resend(['--older-than', '1h', '--dry-run']);
    expect(third.stdout).toContain('resend: 100 pending verifications last emailed before');
    expect(third.stdout).toContain('dry run, nothing sent');
  });
});
