import type { Clock } from '../clock.js';
import type { QuotaPersister } from '../quotas/port.js';
import type { NoncePersister } from './port.js';

export type Admission = 'admitted' | 'replayed' | 'throttled';

/**
 * Signed-request hygiene kept in the store, so it holds across restarts and nodes: a nonce is
 * accepted once within its memory window (a unique key), and a credential may make at most
 * `perSecond` requests a second (an atomic check-and-charge).
 */
export class ReplayGuard {
  constructor(
    private readonly nonces: NoncePersister,
    private readonly quotas: QuotaPersister,
    private readonly clock: Clock,
  ) {}

  async admit(credential: string, nonce: string, limits: { nonceMemoryMs: number; perSecond: number }): Promise<Admission> {
    const at = this.clock.now();
    const rate = await this.quotas.take([{ name: 'client_rate', key: `rate:${credential}`, windowMs: 1000, limit: limits.perSecond }], at);
    if (!rate.ok) return 'throttled';
    return (await this.nonces.use(`nonce:${credential}:${nonce}`, at, at + limits.nonceMemoryMs)) ? 'admitted' : 'replayed';
  }
}
