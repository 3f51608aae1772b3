import { setTimeout as delay } from 'node:timers/promises';

/**
 * Re-checks a condition until it holds: synchronises on an observable state (a row, a status),
 * never on elapsed time. Fails with the last value seen.
 */
export const eventually = async <T>(check: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: T = await check();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await delay(20);
    last = await check();
  }
  return last;
};
