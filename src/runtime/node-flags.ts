/**
 * The Node flags the service runs with wherever it is started for good (bin/reverify.js's shebang,
 * `npm start`, the Dockerfile, the systemd unit, the benchmark; node-flags.test.ts keeps them
 * in step). A young generation of 8 MB instead of V8's 16 MB: under 50 connections of resends
 * peak RSS fell from 390-430 MB to 230-245 MB at the same rate (bench/, 2026-11-24, 2 cores);
 * 4 MB gave 370 MB. 12 MB was tried later the same day: about 7 % more resends a second, but over
 * a full `npm run bench` peak RSS rose from 172 to 211 MB and the native p99 from 20 to 24 ms.
 * Flags only take effect at startup (v8.setFlagsFromString later changes nothing).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=8'] as const;
