import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';
import { pooledRandomBytes } from './random-pool.js';

describe('ids and entropy', () => {
  it('ids are UUIDv7, unique and strictly increasing within a process', () => {
    const ids = Array.from({ length: 20_000 }, newId);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('pooled random bytes are never handed out twice, across refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) seen.add(pooledRandomBytes(16).toString('hex'));
    expect(seen.size).toBe(3000);
  });
});
