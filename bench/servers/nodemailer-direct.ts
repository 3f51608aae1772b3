import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { defaults } from '../../src/config/settings.js';
import { newId } from '../../src/core/ids.js';
import { renderMail } from '../../src/courier/templates/render.js';
import { smtpOptions } from '../../src/courier/transports/smtp.js';
import { reportPeakRss } from './peak-rss.js';
import { seedCount } from './server-kit.js';

/**
 * The delivery limit: nodemailer's pooled transport with the very options Reverify's SMTP transport
 * uses (same pool size, maxMessages: Infinity), sending messages rendered beforehand from the same
 * template, with the same headers, straight to the SMTP server at BENCH_SMTP_URL. On 'send' it
 * hands them to the pool, 64 at a time.
 */
const url = process.env.BENCH_SMTP_URL ?? '';
const count = seedCount('BENCH_MESSAGES', 1000);
const transport = nodemailer.createTransport(smtpOptions(url));
const mails = Array.from({ length: count }, (_, i) => {
  const recipient = `r${i}@bench.example`;
  const link = `${defaults.publicUrl}/verify?token=${randomBytes(32).toString('base64url')}`;
  const rendered = renderMail('email_ownership', 'en', { link, expiresAt: new Date(Date.now() + 72 * 3600_000), recipient });
  const id = newId();
  return {
    from: defaults.mailFrom,
    to: recipient,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId: `<${id}@localhost>`,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Reverify-Message': id, 'Content-Language': 'en' },
  };
});
let sent = 0;
reportPeakRss(() => sent);
/** Messages handed to the pool at a time: enough to keep its connections busy, as the courier's batches do. */
const IN_FLIGHT = 64;
process.on('message', async (msg) => {
  if (msg !== 'send') return;
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < mails.length) {
        await transport
          .sendMail(mails[next++] as (typeof mails)[number])
          .catch((e: Error) => console.error('nodemailer-direct:', e.message));
        sent++;
      }
    }),
  );
});
process.send?.({ ready: true, port: 0, messages: count });
