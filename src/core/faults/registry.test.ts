import { describe, expect, it } from 'vitest';
import { OPERATOR } from '../access/permissions.js';
import { FaultRegistry } from './registry.js';

const registry = (clock: { now: number }, random = () => 0) => {
  let n = 0;
  return new FaultRegistry({ newId: () => `f${++n}`, now: () => clock.now, random, checkCode: (_t, code) => code !== 'nope' });
};
const call = { target: 'digicert' as const, endpoint: '/services/v2/order/certificate/1/resend-emails', accountId: 'acct-a' };
const limited = { kind: 'error' as const, code: 'request_limit_exceeded' };

describe('the fault registry', () => {
  it('a fault with ttlMs applies until its time is up, then is gone from calls and from the list', () => {
    const clock = { now: 1_000 };
    const faults = registry(clock);
    faults.add(OPERATOR, { target: 'digicert', effect: limited, ttlMs: 500 });
    expect(faults.take(call)).toEqual(limited);
    clock.now = 1_499;
    expect(faults.take(call)).toEqual(limited);
    expect(faults.list(OPERATOR)).toHaveLength(1);
    clock.now = 1_500;
    expect(faults.take(call)).toBeNull();
    expect(faults.list(OPERATOR)).toEqual([]);
  });

  it('counts down N calls; matches by endpoint suffix and by account only', () => {
    const faults = registry({ now: 0 });
    faults.add(OPERATOR, { target: 'digicert', endpoint: 'resend-emails', accountId: 'acct-a', effect: limited, count: 2 });
    expect(faults.take({ ...call, accountId: 'acct-b' })).toBeNull();
    expect(faults.take({ ...call, endpoint: '/services/v2/order/certificate/1' })).toBeNull();
    expect(faults.take({ ...call, target: 'sectigo' })).toBeNull();
    expect([faults.take(call), faults.take(call), faults.take(call)]).toEqual([limited, limited, null]);
  });

  it('a share takes the calls whose draw falls below it', () => {
    const draws = [0.1, 0.6, 0.3, 0.9];
    const faults = registry({ now: 0 }, () => draws.shift() ?? 1);
    faults.add(OPERATOR, { target: 'digicert', effect: limited, share: 0.5 });
    expect([faults.take(call), faults.take(call), faults.take(call), faults.take(call)]).toEqual([limited, null, limited, null]);
    expect(faults.list(OPERATOR)[0]?.hits).toBe(2);
  });

  it('refuses what could not be applied, naming the field', () => {
    const faults = registry({ now: 0 });
    const field = (spec: Parameters<FaultRegistry['check']>[0]) => {
      try {
        faults.check(spec);
        return null;
      } catch (e) {
        return (e as { details?: { field?: string } }).details?.field ?? 'no field';
      }
    };
    expect(field({ target: 'digicert', effect: { kind: 'error', code: 'nope' } })).toBe('effect.code');
    expect(field({ target: 'mail', effect: { kind: 'drop' } })).toBe('effect');
    expect(field({ target: 'digicert', effect: limited, ttlMs: 0 })).toBe('ttlMs');
    expect(field({ target: 'digicert', effect: limited, share: 0 })).toBe('share');
    expect(field({ target: 'digicert', effect: limited, count: 1.5 })).toBe('count');
    expect(field({ target: 'digicert', effect: limited, ttlMs: 10, count: 1 })).toBeNull();
  });
});
