import { v7 } from 'uuid';
import { pooledRandomBytes } from './random-pool.js';

/**
 * Time-ordered ids (UUIDv7), strictly increasing within this process: newest-first listings and
 * cursors follow the id. uuid's own monotonic mode draws entropy with one system call per id;
 * here the entropy comes from the pool and the sequence is kept as uuid keeps it.
 */
const state = { msecs: Number.NEGATIVE_INFINITY, seq: 0 };

export const newId = (): string => {
  const random = pooledRandomBytes(16);
  const now = Date.now();
  if (now > state.msecs) {
    state.msecs = now;
    state.seq = (((random[6] ?? 0) & 0x7f) << 24) | ((random[7] ?? 0) << 16) | ((random[8] ?? 0) << 8) | (random[9] ?? 0);
  } else {
    state.seq = (state.seq + 1) | 0;
    if (state.seq === 0) state.msecs++;
  }
  return v7({ random, msecs: state.msecs, seq: state.seq });
};
