import { assertAdmin, type Principal } from '../access/permissions.js';
import { CoreError } from '../errors.js';

/** Where a fault applies: one wire dialect's endpoints, or the mail channel. */
export const faultTargets = ['sectigo', 'digicert', 'alibaba', 'akana', 'native', 'mail'] as const;
export type FaultTarget = (typeof faultTargets)[number];

export type FaultEffect =
  /** Answer with this vendor error (its code in the dialect's own terms). */
  | { kind: 'error'; code: string }
  /** Go on after this delay. */
  | { kind: 'latency'; ms: number }
  /** Close the connection without an answer. */
  | { kind: 'drop' }
  /** Mail: the receiving server answers 451 (deferred), 550 (failed), or accepts and then bounces it. */
  | { kind: 'defer' }
  | { kind: 'fail' }
  | { kind: 'bounce' };

export interface FaultSpec {
  target: FaultTarget;
  /**
   * Only calls of this endpoint, all when absent: Sectigo `!ResendDCVEmail`, an Alibaba action, an Akana
   * operation, or the end of a DigiCert or native route (`resend-emails`, `resend`).
   */
  endpoint?: string;
  /** Only calls made with this account's credentials (or mail of this account). */
  accountId?: string;
  effect: FaultEffect;
  /** The next N matching calls; unlimited when absent (then `share` or an expiry should bound it). */
  count?: number;
  /** The share of matching calls affected, 0 to 1 (default 1). */
  share?: number;
  /** Milliseconds after which the fault is gone. */
  ttlMs?: number;
}

export interface Fault extends FaultSpec {
  id: string;
  remaining: number | null;
  hits: number;
  createdAt: number;
  expiresAt: number | null;
}

export interface FaultCall {
  target: FaultTarget;
  endpoint: string;
  accountId: string | null;
}

const mailEffects = new Set(['defer', 'fail', 'bounce', 'latency']);
const callEffects = new Set(['error', 'latency', 'drop']);

/**
 * The sandbox's fault injection: rehearsing what a vendor does on a bad day. Faults live in memory in
 * the sandbox process (a sandbox is one process; its faults are test setup, not data). `checkCode`
 * tells whether an error code exists in the target's dialect, so a fault can only ever produce that
 * vendor's own answers.
 */
export class FaultRegistry {
  private faults: Fault[] = [];

  constructor(
    private readonly deps: {
      newId: () => string;
      now: () => number;
      random?: () => number;
      checkCode: (target: FaultTarget, code: string) => boolean;
    },
  ) {}

  add(actor: Principal, spec: FaultSpec): Fault {
    assertAdmin(actor);
    this.check(spec);
    const now = this.deps.now();
    const fault: Fault = {
      ...spec,
      id: this.deps.newId(),
      remaining: spec.count ?? null,
      hits: 0,
      createdAt: now,
      expiresAt: spec.ttlMs === undefined ? null : now + spec.ttlMs,
    };
    this.faults.push(fault);
    return fault;
  }

  /** Refuses a fault that could not be applied, naming the field; pure, so a fixture file can be checked whole first. */
  check(spec: FaultSpec): void {
    const invalid = (field: string, message: string) => new CoreError('VALIDATION_FAILED', { field }, message);
    if (!faultTargets.includes(spec.target)) throw invalid('target', `target is one of ${faultTargets.join(', ')}.`);
    const effects = spec.target === 'mail' ? mailEffects : callEffects;
    if (!effects.has(spec.effect?.kind)) throw invalid('effect', `${spec.target} faults are one of ${[...effects].join(', ')}.`);
    if (spec.effect.kind === 'error' && !this.deps.checkCode(spec.target, spec.effect.code))
      throw invalid('effect.code', `'${spec.effect.code}' is not an error of the ${spec.target} dialect.`);
    if (spec.effect.kind === 'latency' && !(Number.isInteger(spec.effect.ms) && spec.effect.ms >= 0 && spec.effect.ms <= 120_000))
      throw invalid('effect.ms', 'latency is 0 to 120000 ms.');
    if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count >= 1))
      throw invalid('count', 'count is a whole number from 1.');
    if (spec.share !== undefined && !(spec.share > 0 && spec.share <= 1)) throw invalid('share', 'share is above 0 and at most 1.');
    if (spec.ttlMs !== undefined && !(Number.isInteger(spec.ttlMs) && spec.ttlMs >= 1))
      throw invalid('ttlMs', 'ttlMs is a whole number from 1.');
  }

  list(actor: Principal): Fault[] {
    assertAdmin(actor);
    this.expire();
    return this.faults.map((f) => ({ ...f }));
  }

  /** Clears one fault, or all of them. */
  clear(actor: Principal, id?: string): number {
    assertAdmin(actor);
    const before = this.faults.length;
    this.faults = id === undefined ? [] : this.faults.filter((f) => f.id !== id);
    return before - this.faults.length;
  }

  /** Whether any fault could concern this target (a cheap check before resolving who is calling). */
  concerns(target: FaultTarget): { any: boolean; byAccount: boolean } {
    this.expire();
    const mine = this.faults.filter((f) => f.target === target);
    return { any: mine.length > 0, byAccount: mine.some((f) => f.accountId !== undefined) };
  }

  /** The effect for this call, if a fault takes it (counting it against the fault's N). */
  take(call: FaultCall): FaultEffect | null {
    this.expire();
    for (const f of this.faults) {
      if (f.target !== call.target) continue;
      if (f.endpoint !== undefined && f.endpoint !== call.endpoint && !call.endpoint.endsWith(`/${f.endpoint}`)) continue;
      if (f.accountId !== undefined && f.accountId !== call.accountId) continue;
      if (f.share !== undefined && (this.deps.random ?? Math.random)() >= f.share) continue;
      f.hits++;
      if (f.remaining !== null) f.remaining--;
      if (f.remaining === 0) this.faults = this.faults.filter((x) => x !== f);
      return f.effect;
    }
    return null;
  }

  private expire(): void {
    const now = this.deps.now();
    this.faults = this.faults.filter((f) => f.expiresAt === null || f.expiresAt > now);
  }
}
