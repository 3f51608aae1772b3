import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadSandbox, SANDBOX_CREDENTIALS } from '../src/fixtures/sandbox.js';
import { createLogger } from '../src/runtime/logger.js';
import { eventually } from './helpers/eventually.js';
import { ADMIN_TOKEN, startService } from './helpers/service.js';

describe('logs', () => {
  it('never contain a token, a password or a key, even at debug level with request logging', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const svc = await startService({ logLevel: 'debug' }, { logger: createLogger('debug', sink) });
    try {
      await svc.call('POST', '/v1/accounts', { name: 'logged', loginName: 'logged_api', loginPassword: 'Secret-Password-77' });
      const key = (await svc.call('POST', '/v1/accounts/logged/keys', {})).json.key as string;
      await svc.call('POST', '/v1/verifications', { recipient: 'log@example.com', purpose: 'email_ownership' }, key);
      const inbox = await eventually(
        async () => (await svc.call('GET', '/v1/inbox')).json,
        (j) => j.items.length > 0,
      );
      const link = new URL(inbox.items[0].links[0]);
      const token = link.searchParams.get('token') ?? '';
      await fetch(`${svc.url}/verify?token=${token}`);
      await svc.call('POST', '/v1/confirm', { token }, null);
      await svc.call('POST', '/v1/confirm', { token }, null);
      const log = lines.join('');
      expect(log).toContain('"url":"/verify?token=[redacted]"');
      for (const secret of [token, 'Secret-Password-77', key, ADMIN_TOKEN]) expect(log).not.toContain(secret);
    } finally {
      await svc.close();
    }
  });

  it("an internal failure answers each dialect's own error, without the cause, and logs the cause once per request", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const svc = await startService({ sandbox: true, resendCooldown: 0 }, { logger: createLogger('info', sink) });
    try {
      await loadSandbox(svc.rt);
      const created = await svc.call('POST', '/v1/verifications', { recipient: 'fails@example.com', purpose: 'email_ownership' });
      svc.rt.store.transactor.commit = async () => {
        throw new Error('disk on fire: the store refused the write');
      };
      const before = lines.length;
      const native = await svc.call('POST', `/v1/verifications/${created.json.id}/resend`);
      const digicert = await fetch(`${svc.url}/services/v2/order/certificate/1234567/resend-emails`, {
        method: 'PUT',
        headers: { 'x-dc-devkey': SANDBOX_CREDENTIALS.digicertApiKey, 'content-type': 'application/json' },
        body: '{}',
      });
      const sectigo = await fetch(`${svc.url}/products/!ResendDCVEmail`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          loginName: SANDBOX_CREDENTIALS.loginName,
          loginPassword: SANDBOX_CREDENTIALS.loginPassword,
          orderNumber: '1234567',
        }),
      });
      const answers = [
        [native.status, native.json.error.code],
        [digicert.status, ((await digicert.json()) as { errors: { code: string }[] }).errors[0]?.code],
        [sectigo.status, (await sectigo.text()).split('&')[0]],
      ];
      expect(answers).toEqual([
        [500, 'INTERNAL_ERROR'],
        [500, 'server_error'],
        [200, 'errorCode=-14'],
      ]);
      const failures = lines
        .slice(before)
        .map((l) => JSON.parse(l) as { level: number; msg: string; err?: { message: string } })
        .filter((l) => l.level >= 50);
      expect(failures).toHaveLength(3);
      for (const f of failures) expect(f.err?.message).toContain('disk on fire');
      expect(JSON.stringify(native.json)).not.toContain('disk on fire');
    } finally {
      await svc.close();
    }
  });
});
