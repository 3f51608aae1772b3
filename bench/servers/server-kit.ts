import type { Server } from 'node:http';

/** A seed size from the environment (the parent scales it down for BENCH_QUICK), or the default. */
export const seedCount = (name: string, fallback: number): number => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`);
  return n;
};

/** Listens on an ephemeral loopback port and tells the parent it is ready, with what it seeded. */
export const listen = async (server: Server, seeded: Record<string, unknown>): Promise<void> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  process.send?.({ ready: true, port: typeof address === 'object' && address ? address.port : 0, ...seeded });
};
