/**
 * Single-use values (signature nonces). Concurrency: `use` is one atomic statement; of any number of
 * concurrent uses of one live key, on any nodes, exactly one answers true.
 */
export interface NoncePersister {
  /** Records `key` until `expiresAt`; false when it is already recorded and not yet expired. */
  use(key: string, at: number, expiresAt: number): Promise<boolean>;
  /** Whether `key` is recorded and not yet expired at `at` (a read: records nothing). */
  isRecorded(key: string, at: number): Promise<boolean>;
  prune(before: number): Promise<number>;
}

/** An anonymous request, recorded before it is answered; its content is sealed (it names a person). */
export interface QueuedRequest {
  id: string;
  kind: string;
  sealed: string;
  ip: string | null;
  receivedAt: number;
}

/**
 * The durable queue of anonymous requests (answered once recorded, worked off the request path).
 * Concurrency, across nodes: `enqueue` is durable when it resolves; `claim` takes only unleased (or
 * lease-expired) requests and records the lease in the same statement, so a request is worked by one
 * owner at a time; `finish` removes only requests still leased to `owner`.
 */
export interface RequestQueue {
  enqueue(request: QueuedRequest): Promise<void>;
  claim(owner: string, limit: number, leaseMs: number, now: number): Promise<QueuedRequest[]>;
  finish(owner: string, ids: string[]): Promise<void>;
  depth(): Promise<number>;
}
