import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './helpers/eventually.js';
import { startService, type TestService } from './helpers/service.js';
import { SmtpSink } from './helpers/smtp-sink.js';

const linkIn = (text: string) => {
  const m = /https?:\/\/\S+\/verify\?token=[A-Za-z0-9_-]+/.exec(text);
  if (!m) throw new Error(`no confirm link in: ${text}`);
  return new URL(m[0]);
};

const confirmThroughPage = async (svc: TestService, link: URL) => {
  const local = new URL(link.pathname + link.search, svc.url);
  const page = await fetch(local);
  const html = await page.text();
  const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
  const post = await fetch(new URL('/verify', svc.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: token ?? link.searchParams.get('token') ?? '' }),
  });
  return { getStatus: page.status, getHtml: html, status: post.status, html: await post.text() };
};

describe('delivery through a real SMTP server', () => {
  let sink: SmtpSink;
  let svc: TestService;

  afterEach(async () => {
    await svc?.close();
    await sink?.stop();
  });

  it('create then resend gives exactly two deliveries with working links; the page POST confirms once', async () => {
    sink = await new SmtpSink().start();
    svc = await startService({ smtpUrl: sink.url, resendCooldown: 0, publicUrl: 'http://reverify.test' });
    const created = await svc.call('POST', '/v1/verifications', { recipient: 'alice@example.com', purpose: 'email_ownership' });
    expect(created.status).toBe(201);
    const resent = await svc.call('POST', `/v1/verifications/${created.json.id}/resend`);
    expect(resent.status).toBe(202);
    expect(resent.json.verification.send_count).toBe(2);

    const mails = await sink.waitForMails(2);
    expect(mails.map((m) => m.to)).toEqual([['alice@example.com'], ['alice@example.com']]);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(2);
    const [first, second] = mails.map((m) => linkIn(m.text));
    expect(first?.origin).toBe('http://reverify.test');
    expect(mails[0]?.html).toContain(first?.searchParams.get('token'));

    // Both links open a page with a Confirm button (the first is within its grace period); GET confirms nothing.
    for (const link of [first, second]) {
      const page = await fetch(new URL(link!.pathname + link!.search, svc.url));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<button type="submit">Confirm</button>');
    }
    expect((await svc.call('GET', `/v1/verifications/${created.json.id}`)).json.state).toBe('pending');

    const confirmed = await confirmThroughPage(svc, second!);
    expect(confirmed.status).toBe(200);
    expect(confirmed.html).toContain('Confirmed');
    const after = await svc.call('GET', `/v1/verifications/${created.json.id}`);
    expect(after.json.state).toBe('confirmed');
    expect(after.json.confirmed_at).not.toBeNull();

    const again = await confirmThroughPage(svc, second!);
    expect(again.getStatus).toBe(409);
    expect(again.status).toBe(409);
    expect(again.html).toContain('already been used');
    const viaApi = await svc.call('POST', '/v1/confirm', { token: first!.searchParams.get('token') }, null);
    expect(viaApi.status).toBe(409);
    expect(viaApi.json.error.code).toBe('TOKEN_USED');
    expect(sink.mails).toHaveLength(2);
  });

  it('451 twice then accept: delivered once, three attempts recorded', async () => {
    sink = await new SmtpSink((n) => (n <= 2 ? { code: 451, message: 'try again later' } : 'accept')).start();
    svc = await startService({ smtpUrl: sink.url });
    const created = await svc.call('POST', '/v1/verifications', { recipient: 'bob@example.com', purpose: 'email_ownership' });
    await sink.waitForMails(1);
    const messages = await svc.call('GET', `/v1/messages?verification=${created.json.id}`);
    const id = messages.json.items[0].id;
    const message = await eventually(
      async () => (await svc.call('GET', `/v1/messages/${id}`)).json,
      (m) => m.status === 'sent',
    );
    expect(message.attempts).toBe(3);
    expect(message.attempt_log.map((a: { result: string }) => a.result)).toEqual(['deferred', 'deferred', 'sent']);
    expect(message.attempt_log[0].response).toContain('451');
    expect(sink.dataCount).toBe(3);
    expect(sink.mails).toHaveLength(1);
    expect(new Set(sink.mails.map((m) => m.messageId))).toEqual(new Set([message.message_id]));
  });

  it('550: failed after one attempt and never tried again', async () => {
    sink = await new SmtpSink(() => ({ code: 550, message: 'no such user' })).start();
    svc = await startService({ smtpUrl: sink.url });
    const created = await svc.call('POST', '/v1/verifications', { recipient: 'nobody@example.com', purpose: 'email_ownership' });
    const list = await svc.call('GET', `/v1/messages?verification=${created.json.id}`);
    const message = await eventually(
      async () => (await svc.call('GET', `/v1/messages/${list.json.items[0].id}`)).json,
      (m) => m.status === 'failed',
    );
    expect(message.attempts).toBe(1);
    expect(message.abandoned).toBe(false);
    expect(message.last_error).toContain('550');
    // A later pass finds nothing due: the failed message is not claimed again.
    expect(await svc.rt.courier.drainOnce()).toBe(0);
    expect(sink.dataCount).toBe(1);
  });

  it('sink down: messages wait, then go out when it comes back', async () => {
    const probe = await new SmtpSink().start();
    const port = probe.port;
    await probe.stop();
    svc = await startService({ smtpUrl: `smtp://127.0.0.1:${port}`, courierMaxAttempts: 100 });
    const created = await svc.call('POST', '/v1/verifications', { recipient: 'carol@example.com', purpose: 'email_ownership' });
    const list = await svc.call('GET', `/v1/messages?verification=${created.json.id}`);
    const id = list.json.items[0].id;
    const waiting = await eventually(
      async () => (await svc.call('GET', `/v1/messages/${id}`)).json,
      (m) => m.status === 'deferred' && m.attempts >= 2,
    );
    expect(waiting.last_error).toMatch(/ECONNREFUSED|ECONNECTION|connect/i);
    sink = await new SmtpSink().start(port);
    const [mail] = await sink.waitForMails(1);
    expect(mail?.to).toEqual(['carol@example.com']);
    const sent = await eventually(
      async () => (await svc.call('GET', `/v1/messages/${id}`)).json,
      (m) => m.status === 'sent',
    );
    expect(sent.attempt_log.at(-1).result).toBe('sent');
    expect(sent.attempt_log.slice(0, -1).every((a: { result: string }) => a.result === 'deferred')).toBe(true);
  });
});

describe('courier lifecycle', () => {
  it('shutdown drains the send in flight before it returns', async () => {
    const sink = await new SmtpSink((n) => (n === 1 ? 'hold' : 'accept')).start();
    const svc = await startService({ smtpUrl: sink.url });
    try {
      const created = await svc.call('POST', '/v1/verifications', { recipient: 'drain@example.com', purpose: 'email_ownership' });
      await once(sink, 'held');
      let stopped = false;
      const stopping = svc.rt.courier.stop().then(() => {
        stopped = true;
      });
      // The stop waits on the held send: it has not returned while the server withholds its reply.
      await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);
      sink.releaseHeld();
      await stopping;
      const [message] = (await svc.rt.store.messages.listMessages({ verificationId: created.json.id, limit: 1 })).items;
      expect(message?.status).toBe('sent');
    } finally {
      await svc.close();
      await sink.stop();
    }
  });

  it('a temporary failure that never ends is abandoned after the configured attempts', async () => {
    const sink = await new SmtpSink(() => ({ code: 421, message: 'busy' })).start();
    const svc = await startService({ smtpUrl: sink.url, courierMaxAttempts: 3 });
    try {
      const created = await svc.call('POST', '/v1/verifications', { recipient: 'never@example.com', purpose: 'email_ownership' });
      const id = (await svc.call('GET', `/v1/messages?verification=${created.json.id}`)).json.items[0].id;
      const message = await eventually(
        async () => (await svc.call('GET', `/v1/messages/${id}`)).json,
        (m) => m.status === 'failed',
      );
      expect(message).toMatchObject({ abandoned: true, attempts: 3 });
      expect(message.last_error).toMatch(/^abandoned after 3 attempts/);
      expect(await svc.metrics()).toMatch(/reverify_messages_total\{result="abandoned"\} 1/);
    } finally {
      await svc.close();
      await sink.stop();
    }
  });
});
