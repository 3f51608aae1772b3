/**
 * The Node flags the service runs with wherever it is started for good (bin/reverify.js's shebang,
 * `npm start`, the Dockerfile, the systemd unit, the benchmark; node-flags.test.ts keeps them
 * in step). A young generation of 8 MB instead of V8's 16 MB: under 50 connections of resends
 * peak RSS fell from 390-430 MB to 230-245 MB at the same rate (bench/, 2026-11-24, 2 cores);
 * 4 MB gave 370 MB. 12 MB was tried later the same day: about 7 % more resends a second, but over
 * a full `npm run bench` peak RSS rose from 172 to 211 MB and the native p99 from 20 to 24 ms.
 *
 * The old generation grows by a quarter of what survived the last full GC before the next one, not
 * V8's own factor: under load about 10 KB a request outlives the young generation and dies soon after
 * (10.5 KB promoted a resend, `--trace-gc-nvp` on bench/probes/statements.ts), so with V8's factor the heap swung between 40 and
 * 130 MB used and peak RSS reached 245-260 MB. Measured 2026-11-24 (night), medians of 3 runs of
 * 10 s: the native resend at 163-174 MB instead of 250-260 with 25 % or 50 %, at the same rate or
 * better (courier off 7,300 req/s against 6,600-6,800); against the full run just before, no case
 * slower (Sectigo S/MIME 5,178 against 4,792 req/s and 199 against 271 MB; delivery 2,008 against
 * 1,959 msg/s). Flags only take effect at startup (v8.setFlagsFromString later changes nothing).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=25'] as const;
