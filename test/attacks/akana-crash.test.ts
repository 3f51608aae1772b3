import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/ports.js';

import { SmtpSink } from '../helpers/smtp-sink.js';
import { spawnReverify } from '../helpers/spawn.js';

const spawnService = (dir: string, port: number, smtpUrl: string) =>
  spawnReverify(dir, ['--port', String(port)], {
    REVERIFY_SMTP_URL: smtpUrl,
    REVERIFY_COURIER_LEASE: '2',
    REVERIFY_REQUEST_WORKER_TICK_MS: '100',
    // Durability is what is tested here, not the per-IP limits: nothing may be dropped by them.
    REVERIFY_ANONYMOUS_PER_MINUTE: '0',
    REVERIFY_IP_MAX_PER_HOUR: '0',
  });

const ready = (port: number) =>
  eventually(
    () =>
      fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      ),
    (s) => s === 200,
    30_000,
  );

const signup = (port: number, email: string) =>
  fetch(`http://127.0.0.1:${port}/api/users/signupUser`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ EmailAddress: email, FirstName: 'Burst' }),
  }).then(
    (r) => r.status,
    () => 0,
  );

describe('anonymous requests survive kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reverify-akana-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('kill -9 in the middle of a burst of signupUser: after a restart, every address answered 200 gets its mail', async () => {
    const sink = await new SmtpSink().start();
    const port = await freePort();
    const first = spawnService(dir, port, sink.url);
    await ready(port);
    const addresses = Array.from({ length: 3000 }, (_, i) => `burst${i}@example.com`);
    const answered = new Map<string, number>();
    let next = 0;
    // 16 clients sending one request after another until the service is gone.
    const clients = Array.from({ length: 16 }, async () => {
      while (next < addresses.length) {
        const a = addresses[next++] as string;
        const status = await signup(port, a);
        answered.set(a, status);
        if (status === 0) return;
      }
    });
    await eventually(
      () => answered.size,
      (n) => n >= 200,
    );
    const exited = once(first, 'exit');
    first.kill('SIGKILL');
    const mailedBeforeKill = new Set(sink.mails.flatMap((m) => m.to)).size;
    await Promise.all(clients);
    await exited;
    const accepted = addresses.filter((a) => answered.get(a) === 200);
    expect(accepted.length).toBeGreaterThanOrEqual(200);
    expect(accepted.length).toBeLessThan(addresses.length);
    // Accepted work was still waiting at the kill: the restart is what delivers it.
    expect(mailedBeforeKill).toBeLessThan(accepted.length);

    const second = spawnService(dir, port, sink.url);
    try {
      await ready(port);
      const delivered = await eventually(
        () => new Set(sink.mails.flatMap((m) => m.to)),
        (to) => accepted.every((a) => to.has(a)),
        40_000,
      );
      expect(accepted.filter((a) => !delivered.has(a))).toEqual([]);
    } finally {
      second.kill('SIGTERM');
      await once(second, 'exit');
      await sink.stop();
    }
  });
});
