import type { Clock, VerificationStore } from '../ports.js';

export type Admission = 'admitted' | 'replayed' | 'throttled';

/**
 * Signed-request hygiene kept in the store, so it holds across restarts and nodes: a nonce is
 * accepted once within its memory window, and a credential may make at most `perSecond` requests a
 * second. Both are charged in one transaction.
 */
export class ReplayGuard {
  constructor(
    private readonly store: Pick<VerificationStore, 'commit'>,
    private readonly clock: Clock,
  ) {}

  async admit(credential: string, nonce: string, limits: { nonceMemoryMs: number; perSecond: number }): Promise<Admission> {
    const result = await this.store.commit({
      quota: {
        sends: [
          [{ name: 'signature_nonce', key: `nonce:${credential}:${nonce}`, windowMs: limits.nonceMemoryMs, limit: 1 }],
          [{ name: 'client_rate', key: `rate:${credential}`, windowMs: 1000, limit: limits.perSecond }],
        ],
        at: this.clock.now(),
        enforce: true,
      },
    });
    if (result.ok) return 'admitted';
    return result.reason === 'quota' && result.rule === 'client_rate' ? 'throttled' : 'replayed';
  }
}
