/**
 * Single-use values (signature nonces). Concurrency: `use` is one atomic statement; of any number of
 * concurrent uses of one live key, on any nodes, exactly one answers true.
 */
export interface NoncePersister {
  /** Records `key` until `expiresAt`; false when it is already recorded and not yet expired. */
  use(key: string, at: number, expiresAt: number): Promise<boolean>;
  prune(before: number): Promise<number>;
}
