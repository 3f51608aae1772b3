import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/eventually.js';
import { startService } from './helpers/service.js';
import { SmtpSink } from './helpers/smtp-sink.js';
import { spawnReverify } from './helpers/spawn.js';

const MESSAGES = 40;
const HOLD_AT = 12;

const spawnService = (dir: string, smtpUrl: string) =>
  spawnReverify(dir, ['--port', '0'], {
    REVERIFY_SMTP_URL: smtpUrl,
    REVERIFY_COURIER_LEASE: '2',
    REVERIFY_COURIER_CONCURRENCY: '4',
    REVERIFY_COURIER_RETRY_BASE_MS: '20',
  });

describe('a crash between claim and delivery loses nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reverify-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SIGKILL with queued and in-flight messages: a new process delivers every one; duplicates only for in-flight sends, same Message-ID', async () => {
    // Queue the messages with no courier running.
    const seeder = await startService({ resendCooldown: 0 }, { courier: false, dir });
    for (let i = 0; i < MESSAGES; i++) {
      const r = await seeder.call('POST', '/v1/verifications', { recipient: `user${i}@example.com`, purpose: 'email_ownership' });
      expect(r.status).toBe(201);
    }
    const queued = (await seeder.rt.store.messages.listMessages({ limit: 100 })).items;
    await seeder.close();
    expect(queued).toHaveLength(MESSAGES);

    // The sink accepts the content of the HOLD_AT-th message but never answers: that send is in flight at the kill.
    const sink = await new SmtpSink((n) => (n === HOLD_AT ? 'hold' : 'accept')).start();
    const first = spawnService(dir, sink.url);
    const [heldMail] = (await once(sink, 'held')) as [{ messageId: string }];
    first.kill('SIGKILL');
    await once(first, 'exit');
    sink.respondWith(() => 'accept');

    const second = spawnService(dir, sink.url);
    const check = await startService({}, { courier: false, dir });
    try {
      // Synchronise on the store: every message recorded as sent by the new process.
      await eventually(
        async () => Promise.all(queued.map(async (m) => (await check.rt.store.messages.getMessage(m.id))?.status)),
        (statuses) => statuses.every((s) => s === 'sent'),
        30_000,
      );
      expect(new Set(sink.mails.map((m) => m.messageId))).toEqual(new Set(queued.map((m) => m.messageId)));

      const copies = new Map<string, number>();
      for (const m of sink.mails) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
      const duplicated = [...copies].filter(([, n]) => n > 1).map(([id]) => id);
      expect(duplicated).toContain(heldMail.messageId);

      // Every duplicate was in flight at the kill: its first attempt was taken over ('lost'), and it has exactly two copies.
      for (const id of duplicated) {
        const message = queued.find((m) => m.messageId === id);
        const attempts = await check.rt.store.messages.attemptsOf(message?.id ?? '');
        expect(attempts.map((a) => a.result)).toEqual(['lost', 'sent']);
        expect(copies.get(id)).toBe(2);
      }
      expect(sink.mails.length).toBe(MESSAGES + duplicated.length);
    } finally {
      await check.close();
      second.kill('SIGTERM');
      await once(second, 'exit');
      await sink.stop();
    }
  });
});
