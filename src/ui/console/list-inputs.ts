import type { Principal } from '../../core/access/permissions.js';
import type { ConsoleDeps } from './plugin.js';

/** A filter's text from the query string: trimmed, or undefined when empty or longer than `max`. */
export const queryText = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.trim() !== '' && value.length <= max ? value.trim() : undefined;

/** Account names for display and the operator's account filter; an account credential knows only its own. */
export const accountNames = async (deps: ConsoleDeps, actor: Principal): Promise<Map<string, string>> => {
  if (actor.kind === 'admin') return new Map((await deps.accounts.list(actor, undefined, 200)).items.map((a) => [a.id, a.name]));
  const own = await deps.accounts.get(actor, actor.accountId);
  return new Map([[own.id, own.name]]);
};
