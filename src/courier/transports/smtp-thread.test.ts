import { describe, expect, it } from 'vitest';
import { SmtpThread } from './smtp-thread.js';

/** A stand-in for nodemailer's thread: answers each message, or dies when a message says so. */
const dyingOnCue = `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m === 'close') return parentPort.close();
  if (m.message.die) setTimeout(() => process.exit(3), 20);
  else parentPort.postMessage({ id: m.id, ok: true, response: '250 thread ' + threadId });
});
`;

describe('SmtpThread', () => {
  it('a thread that dies fails what it had in hand as temporary, and the next message starts a new thread', async () => {
    const thread = new SmtpThread({}, dyingOnCue);
    const first = await thread.send({});
    if (!first.ok) throw new Error('the first message failed');
    const [dying, alongside] = await Promise.all([thread.send({ die: true }), thread.send({ die: false })]);
    // The second message was answered by the first thread before it died; only the one in hand fails.
    expect(alongside).toMatchObject({ ok: true, response: first.response });
    expect(dying).toEqual({ ok: false, error: { message: 'SMTP thread exited (3)', code: 'ETHREAD' } });
    const after = await thread.send({});
    expect(after.ok).toBe(true);
    expect(after.ok && after.response).not.toBe(first.response);
    await thread.close();
  });

  it('closing before anything was sent ends at once; closing after use ends the thread', async () => {
    const idle = new SmtpThread({}, dyingOnCue);
    await idle.close();
    const thread = new SmtpThread({}, dyingOnCue);
    expect((await thread.send({})).ok).toBe(true);
    await thread.close();
  });
});
