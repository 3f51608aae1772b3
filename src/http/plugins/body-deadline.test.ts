import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bodyDeadline } from './body-deadline.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('the body deadline', () => {
  it('leaves no timer behind an injected request, and none fires on it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const app = Fastify();
    await app.register(bodyDeadline(1_000));
    app.post('/echo', async (req) => req.body ?? null);
    try {
      for (let i = 0; i < 20; i++) {
        const r = await app.inject({ method: 'POST', url: '/echo', payload: { i } });
        expect(r.json()).toEqual({ i });
        // No body: nothing reads the request stream, so it never ends.
        expect((await app.inject({ method: 'POST', url: '/echo' })).statusCode).toBe(200);
      }
      // Before: one 1 s timer per injected request, each holding its request, then a TypeError for its missing socket.
      expect(vi.getTimerCount()).toBe(0);
      expect(() => vi.advanceTimersByTime(2_000)).not.toThrow();
    } finally {
      await app.close();
    }
  });
});
