import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpSink } from '../../../test/helpers/smtp-sink.js';
import { SmtpTransport } from './smtp.js';
import { CLOSE_GRACE_MS } from './smtp-thread.js';
import { DeliveryError, type OutgoingMail } from './transport.js';

const mail = (n: number): OutgoingMail => ({
  from: 'Reverify <noreply@reverify.test>',
  to: `user${n}@example.test`,
  subject: `Verify ${n}`,
  text: `text ${n}`,
  html: `<p>html ${n}</p>`,
  messageId: `<m${n}@reverify.test>`,
  headers: { 'X-Reverify-Message': `m${n}` },
  returnPath: `bounce+m${n}@bounces.reverify.test`,
  accountId: null,
  outboxId: `m${n}`,
});

const sendError = async (p: Promise<unknown>): Promise<DeliveryError> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DeliveryError);
  return e as DeliveryError;
};

describe('SMTP transport (nodemailer on its own thread)', () => {
  let sink: SmtpSink;
  let transport: SmtpTransport | null = null;
  afterEach(async () => {
    await transport?.close();
    await sink?.stop();
  });

  it('sends what it is given, envelope included, and tells permanent refusals from temporary ones', async () => {
    sink = await new SmtpSink((n) =>
      n === 2 ? { code: 550, message: 'no such user' } : n === 3 ? { code: 451, message: 'try later' } : 'accept',
    ).start();
    transport = new SmtpTransport(`smtp://127.0.0.1:${sink.port}`);
    const sent = await transport.send(mail(1));
    expect(sent.response).toMatch(/^250/);
    const got = sink.mails[0];
    expect(got?.to).toEqual(['user1@example.test']);
    expect(got?.mailFrom).toBe('bounce+m1@bounces.reverify.test');
    expect(got?.messageId).toBe('<m1@reverify.test>');
    expect(got?.parsed.headers.get('x-reverify-message')).toBe('m1');
    expect(got?.html).toContain('html 1');

    const refused = await sendError(transport.send(mail(2)));
    expect(refused.permanent).toBe(true);
    expect(refused.message).toMatch(/550/);
    const later = await sendError(transport.send(mail(3)));
    expect(later.permanent).toBe(false);
    expect(later.message).toMatch(/451/);
    expect(sink.mails.map((m) => m.messageId)).toEqual(['<m1@reverify.test>']);
  });

  it('many messages at once each get their own answer', async () => {
    sink = await new SmtpSink((n, m) => (m.subject.endsWith('7') ? { code: 554, message: `refused ${n}` } : 'accept')).start();
    transport = new SmtpTransport(`smtp://127.0.0.1:${sink.port}?maxConnections=3`);
    const t = transport;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.send(mail(i)).then(
          () => 'sent',
          (e: DeliveryError) => (e.permanent ? 'refused' : 'temporary'),
        ),
      ),
    );
    const refusedAt = results.flatMap((r, i) => (r === 'refused' ? [i] : []));
    expect(refusedAt).toEqual([7, 17, 27, 37]);
    expect(results.filter((r) => r === 'sent')).toHaveLength(36);
    expect(new Set(sink.mails.map((m) => m.messageId)).size).toBe(36);
  });

  it('a send in hand when the transport closes gets its real answer, if the server gives it within the grace', async () => {
    sink = await new SmtpSink(() => 'hold').start();
    transport = new SmtpTransport(`smtp://127.0.0.1:${sink.port}`);
    const inHand = transport.send(mail(1));
    await once(sink, 'held');
    const started = performance.now();
    const closing = transport.close();
    transport = null;
    sink.releaseHeld();
    expect((await inHand).response).toMatch(/^250/);
    await closing;
    expect(performance.now() - started).toBeLessThan(CLOSE_GRACE_MS);
  });

  it('a send the server never answers fails as temporary once the grace is over; later sends are refused the same way', async () => {
    sink = await new SmtpSink(() => 'hold').start();
    const t = new SmtpTransport(`smtp://127.0.0.1:${sink.port}`);
    const inHand = sendError(t.send(mail(1)));
    await once(sink, 'held');
    await t.close();
    const e = await inHand;
    expect(e.permanent).toBe(false);
    expect(e.message).toMatch(/SMTP thread closed/);
    const after = await sendError(t.send(mail(2)));
    expect(after.permanent).toBe(false);
    expect(after.message).toMatch(/SMTP thread closed/);
    expect(sink.dataCount).toBe(1);
  });

  it('an unreachable server is a temporary failure', async () => {
    sink = await new SmtpSink().start();
    const port = sink.port;
    await sink.stop();
    transport = new SmtpTransport(`smtp://127.0.0.1:${port}`);
    const e = await sendError(transport.send(mail(1)));
    expect(e.permanent).toBe(false);
    expect(e.message).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);
  });
});
