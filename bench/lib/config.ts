/** How long and how big a run is: the full suite, or `BENCH_QUICK=1` (every case once, for 1 s, on small seeds). */
export interface BenchConfig {
  quick: boolean;
  connections: number;
  /** Seconds of load before the measured repetitions (0: none). */
  warmupS: number;
  durationS: number;
  repetitions: number;
  /** Subjects seeded per dialect case, and unverified users for Better Auth. */
  seed: number;
  /** Stored verifications of the two growth cases. */
  growth: [number, number];
  /** Messages per measured delivery chunk, and in the warm-up chunk. */
  deliveryChunk: number;
  deliveryWarmup: number;
  /** Longest a server may take to seed and start. */
  startTimeoutMs: number;
  /** Where latest.json and latest.svg go. */
  outDir: string;
}

const fromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return n;
};

export const benchConfig = (outDir: string): BenchConfig => {
  const quick = process.env.BENCH_QUICK === '1';
  return {
    quick,
    connections: fromEnv('BENCH_CONNECTIONS', 50),
    warmupS: fromEnv('BENCH_WARMUP', quick ? 0 : 3),
    durationS: fromEnv('BENCH_DURATION', quick ? 1 : 10),
    repetitions: fromEnv('BENCH_REPETITIONS', quick ? 1 : 3),
    seed: quick ? 100 : 2000,
    growth: quick ? [1000, 10_000] : [10_000, 1_000_000],
    deliveryChunk: quick ? 100 : 4000,
    deliveryWarmup: quick ? 50 : 1000,
    startTimeoutMs: quick ? 60_000 : 300_000,
    outDir: process.env.BENCH_OUT ?? outDir,
  };
};
