/**
 * Issue 9.11: can slow request bodies hold the service's connections? Starts the service with
 * REVERIFY_REQUEST_TIMEOUT=5, opens PROBE_CONNECTIONS (5000) connections that each send the headers and
 * one byte of an authenticated 1,000-byte body and then stall, and reports how many the service
 * answered (and with what) and when, while `/healthz` is asked once a second. Needs as many file
 * descriptors as connections on both sides (`ulimit -n`). 127.0.0.1 only; bounded to about 20 s.
 *
 *   npx tsx bench/probes/slow-bodies.ts
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startProbeService } from './service.js';

const N = Number(process.env.PROBE_CONNECTIONS ?? 5000);
const TIMEOUT_S = 5;
const TOKEN = 'slow-probe-admin-token-0123456789';

const main = async () => {
  const service = await startProbeService({ REVERIFY_ADMIN_TOKEN: TOKEN, REVERIFY_REQUEST_TIMEOUT: String(TIMEOUT_S) });
  const { base } = service;
  const port = Number(new URL(base).port);
  const sockets: Socket[] = [];
  try {
    const started = Date.now();
    const answeredAfter: number[] = [];
    const statuses: Record<string, number> = {};
    let closed = 0;
    for (let i = 0; i < N; i++) {
      const s = connect(port, '127.0.0.1', () => {
        s.write(
          `POST /v1/verifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
        );
      });
      let seen = false;
      s.on('data', (d) => {
        if (seen) return;
        seen = true;
        const status = String(d).slice(9, 12);
        statuses[status] = (statuses[status] ?? 0) + 1;
        answeredAfter.push(Date.now() - started);
      });
      s.on('error', () => {});
      s.on('close', () => {
        closed++;
      });
      sockets.push(s);
    }
    const healthz: number[] = [];
    for (let k = 0; k < 4 * TIMEOUT_S && closed < N; k++) {
      await sleep(1000);
      const t = Date.now();
      const ok = await fetch(`${base}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      healthz.push(ok ? Date.now() - t : -1);
    }
    answeredAfter.sort((a, b) => a - b);
    console.log(
      JSON.stringify(
        {
          connections: N,
          request_timeout_s: TIMEOUT_S,
          answered: answeredAfter.length,
          statuses,
          closed_by_the_service: closed,
          median_answered_after_ms: answeredAfter[answeredAfter.length >> 1] ?? null,
          last_answered_after_ms: answeredAfter.at(-1) ?? null,
          healthz_ms_each_second: healthz,
        },
        null,
        2,
      ),
    );
  } finally {
    for (const s of sockets) s.destroy();
    await service.stop();
  }
};

await main();
process.exit(0);
