import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { clientSchemaSource } from '../../../scripts/client-schema.js';
import { eventually } from '../../../test/helpers/eventually.js';
import { startService } from '../../../test/helpers/service.js';
import { createReverifyClient } from './index.js';

describe('the typed client', () => {
  it('is generated from the document the service serves: regenerate with `npm run client:generate` when this fails', async () => {
    const committed = readFileSync(new URL('./schema.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await clientSchemaSource());
  });

  it('round-trips create, resend and confirm against the started service', async () => {
    const svc = await startService({ resendCooldown: 0 });
    try {
      const client = createReverifyClient({ baseUrl: svc.url, token: 'test-admin-token-0123456789' });
      const created = await client.POST('/v1/verifications', { body: { recipient: 'typed@example.com', purpose: 'email_ownership' } });
      expect(created.response.status).toBe(201);
      const id = created.data?.id ?? '';
      expect(created.data?.state).toBe('pending');
      const resent = await client.POST('/v1/verifications/{id}/resend', { params: { path: { id } }, body: {} });
      expect(resent.data?.verification.send_count).toBe(2);
      const refused = await client.POST('/v1/verifications/{id}/resend', { params: { path: { id: 'no-such-id' } }, body: {} });
      expect(refused.error?.error.code).toBe('VERIFICATION_NOT_FOUND');
      const inbox = await client.GET('/v1/inbox', { params: { query: { to: 'typed@example.com' } } });
      const links = (inbox.data as unknown as { items: { links: string[] }[] }).items.map((m) => m.links[0] ?? '');
      const token = new URL(links[0] ?? 'http://x/').searchParams.get('token') ?? '';
      const confirmed = await client.POST('/v1/confirm', { body: { token } });
      expect(confirmed.data).toMatchObject({ state: 'confirmed', purpose: 'email_ownership' });
      const read = await client.GET('/v1/verifications/{id}', { params: { path: { id } } });
      expect(read.data?.state).toBe('confirmed');
    } finally {
      await svc.close();
    }
  });

  it('its example runs as its README says, against a running service', { timeout: 60_000 }, async () => {
    const svc = await startService({});
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'packages/client/example.ts'], {
        env: { ...process.env, REVERIFY_URL: svc.url, REVERIFY_TOKEN: 'test-admin-token-0123456789' },
        timeout: 50_000,
      });
      expect(stdout).toMatch(/^verification [0-9a-f-]{36} is pending; the email is in the captured inbox/);
      await eventually(
        async () => (await svc.call('GET', '/v1/inbox?to=someone@example.com')).json.items,
        (items: unknown[]) => items.length === 1,
      );
    } finally {
      await svc.close();
    }
  });
});
