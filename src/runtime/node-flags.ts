/**
 * The Node flags the service runs with wherever it is started for good (bin/reverify.js's shebang,
 * `npm start`, the Dockerfile, the systemd unit, the benchmark; node-flags.test.ts keeps them
 * in step). The young generation bounds how much garbage piles up between scavenges, so it trades
 * peak RSS against time spent collecting. Measured (bench/, native resend, 50 connections, 2 cores,
 * 2026-11-24, after the lazy module loading and the compiled bench servers): 8 MB gave 6,600 req/s
 * at 172 MB peak RSS; 12 MB 7,300-7,450 at 186-189 MB; 16 MB the same as 12; 24 and 32 MB about
 * 7,400 at 228 MB. Flags only take effect at startup (v8.setFlagsFromString later changes nothing).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=12'] as const;
