export type GateVerdict = 'admitted' | 'client_busy' | 'busy';

/**
 * Bounds the slow password hashes in flight, in all and per client IP, so that wrong passwords
 * cannot take the CPU: a caller over a bound is answered at once instead of queued. Per process on
 * purpose: it protects this process's CPU.
 */
export class HashGate {
  private inFlight = 0;
  /** The most hashes ever in flight at once, and how many were let through (for tests and metrics). */
  peak = 0;
  admitted = 0;
  private readonly perClient = new Map<string, number>();

  constructor(private readonly limits: { total: number; perClient: number }) {}

  tryEnter(client: string): GateVerdict {
    if (this.inFlight >= this.limits.total) return 'busy';
    const mine = this.perClient.get(client) ?? 0;
    if (mine >= this.limits.perClient) return 'client_busy';
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    this.admitted++;
    this.perClient.set(client, mine + 1);
    return 'admitted';
  }

  leave(client: string): void {
    this.inFlight--;
    const mine = (this.perClient.get(client) ?? 1) - 1;
    if (mine <= 0) this.perClient.delete(client);
    else this.perClient.set(client, mine);
  }
}
