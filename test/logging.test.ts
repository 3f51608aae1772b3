import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
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
});
