import { randomFillSync } from 'node:crypto';

/**
 * CSPRNG bytes drawn from a pool refilled 16 KiB at a time, as node's own randomUUID does: one
 * system call per few hundred ids or tokens instead of one each. Each byte is handed out once.
 */
const POOL_SIZE = 16 * 1024;
let pool = Buffer.alloc(0);
let offset = 0;

export const pooledRandomBytes = (n: number): Buffer => {
  if (offset + n > pool.length) {
    // A fresh buffer, never overwritten: slices handed out earlier stay valid and distinct.
    pool = randomFillSync(Buffer.allocUnsafe(Math.max(POOL_SIZE, n)));
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
};
