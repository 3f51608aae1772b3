import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLOSE_GRACE_MS, SmtpThread } from './smtp-thread.js';

const run = promisify(execFile);

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

  it('closing ends the thread at once when nothing is in hand, and nothing is sent afterwards', async () => {
    const idle = new SmtpThread({}, dyingOnCue);
    await idle.close();
    const thread = new SmtpThread({}, dyingOnCue);
    expect((await thread.send({})).ok).toBe(true);
    const started = performance.now();
    await thread.close();
    expect(performance.now() - started).toBeLessThan(CLOSE_GRACE_MS / 2);
    expect(await thread.send({})).toEqual({ ok: false, error: { message: 'SMTP thread closed', code: 'ETHREAD' } });
  });

  it('options that cannot cross to the thread are refused at once', () => {
    expect(() => new SmtpThread({ logger: () => undefined })).toThrow();
  });

  it('an idle thread does not keep the process alive', async () => {
    // A process that sends one message and never closes: it must end by itself.
    const code = `
      const { SmtpThread } = await import(${JSON.stringify(new URL('./smtp-thread.ts', import.meta.url).href)});
      const thread = new SmtpThread({}, ${JSON.stringify(dyingOnCue)});
      const reply = await thread.send({});
      console.log(reply.ok ? 'sent' : JSON.stringify(reply));
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { timeout: 20_000 });
    expect(stdout.trim()).toBe('sent');
  });
});
