import { describe, expect, it } from 'vitest';
import { emptyTotals, tally } from '../core/verification/bulk-resend.js';
import { progressFor } from './progress.js';

const done = (cb?: () => void) => {
  cb?.();
  return true;
};

/** A stream that records what was written; `isTTY` decides which kind of progress it gets. */
const stream = (isTTY: boolean) => {
  const written: string[] = [];
  const s = {
    isTTY,
    columns: 160,
    write: (chunk: string) => written.push(String(chunk)) > 0,
    cursorTo: (_x: number, _y?: number, cb?: () => void) => done(cb),
    clearLine: (_dir: number, cb?: () => void) => done(cb),
    moveCursor: (_dx: number, _dy: number, cb?: () => void) => done(cb),
    on: () => s,
    removeListener: () => s,
  };
  return { s: s as unknown as NodeJS.WriteStream, written };
};

describe('bulk resend progress', () => {
  it('draws a bar with the count, the rate and the ETA on a terminal', () => {
    let t = 0;
    const { s, written } = stream(true);
    const totals = emptyTotals(10);
    const progress = progressFor(s, 10, () => t);
    for (let i = 1; i <= 10; i++) {
      t += 500;
      tally(totals, i % 5 === 0 ? { result: 'refused', rule: 'cooldown', retryAfterMs: 1000 } : { result: 'sent' });
      progress.update(i, totals);
    }
    progress.stop();
    const screen = written.join('');
    expect(screen).toMatch(/resend \|[█░]+\| 10\/10 \| 2\.0\/s \| ETA 0s \| sent 8, refused 2, skipped 0/);
  });

  it('writes plain lines, one every 5 % and the last, when not on a terminal', () => {
    let t = 0;
    const { s, written } = stream(false);
    const totals = emptyTotals(100);
    const progress = progressFor(s, 100, () => t);
    for (let i = 1; i <= 100; i++) {
      t += 10;
      tally(totals, { result: 'sent' });
      progress.update(i, totals);
    }
    expect(written).toHaveLength(20);
    expect(written[0]).toBe('resend: 5/100 done, sent 5, refused 0, skipped 0, 100.0/s, ETA 1s\n');
    expect(written.at(-1)).toBe('resend: 100/100 done, sent 100, refused 0, skipped 0, 100.0/s, ETA 0s\n');
  });
});
