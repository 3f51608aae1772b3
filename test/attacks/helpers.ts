import { eventually } from '../helpers/eventually.js';
import type { TestService } from '../helpers/service.js';

/** Resolves once the outbox holds nothing queued, sending or deferred: every accepted mail has been tried. */
export const outboxSettled = (svc: TestService) =>
  eventually(
    () => svc.rt.store.messages.queueDepth(),
    (d) => d.queued + d.sending + d.deferred === 0,
  );

/** Creates an account with one API key of `role`; returns the key. */
export const accountWithKey = async (svc: TestService, name: string, role = 0): Promise<string> => {
  if ((await svc.call('GET', `/v1/accounts/${name}`)).status === 404) await svc.call('POST', '/v1/accounts', { name });
  const created = await svc.call('POST', `/v1/accounts/${name}/keys`, { role });
  if (created.status !== 201) throw new Error(`key for ${name}: ${created.text}`);
  return created.json.key as string;
};

export const tally = (values: (number | string)[]) => {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
};
