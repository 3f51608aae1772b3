import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { ServerChild } from './child.js';

/** CPU time all processes have used since boot, in ms (Linux /proc/stat, USER_HZ 100); null elsewhere. */
const busyMs = (): number | null => {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return (fields.reduce((a, b) => a + b, 0) - idle) * 10;
  } catch {
    return null;
  }
};

const ourMs = async (servers: ServerChild[]): Promise<number> => {
  const own = process.cpuUsage();
  const theirs = await Promise.all(servers.map((s) => s.cpuMs()));
  return (own.user + own.system) / 1000 + theirs.reduce((a, b) => a + b, 0);
};

/**
 * How much of the machine's CPU went to processes other than this run's while a case was measured:
 * other sessions, builds, a noisy neighbour. Above a few percent, the case's numbers are suspect.
 */
export const otherCpu = async (servers: ServerChild[]) => {
  const started = { busy: busyMs(), ours: await ourMs(servers), at: performance.now() };
  return async (): Promise<number | null> => {
    const busy = busyMs();
    if (busy === null || started.busy === null) return null;
    const ours = await ourMs(servers);
    const capacity = (performance.now() - started.at) * cpus().length;
    const other = busy - started.busy - (ours - started.ours);
    return Math.max(0, Math.round((other / capacity) * 1000) / 10);
  };
};
