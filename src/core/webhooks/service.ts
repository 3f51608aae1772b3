import { assertMay, type Principal, scopeOf } from '../access/permissions.js';
import { targetAccount } from '../access/target-account.js';
import type { AccountPersister } from '../accounts/port.js';
import type { Clock } from '../clock.js';
import { CoreError } from '../errors.js';
import type { MessageReads } from '../messages/port.js';
import type { Message } from '../model.js';
import type { Page } from '../page.js';
import { pooledRandomBytes } from '../random-pool.js';
import { type ServerKeys, seal } from '../secrets.js';
import { type AddressPolicy, isIpLiteral, mayConnect } from './address-policy.js';
import { isWebhookEventType, type WebhookEventType } from './events.js';
import type { WebhookEndpoint, WebhookPersister } from './port.js';

export interface WebhookServiceDeps {
  webhooks: WebhookPersister;
  messages: Pick<MessageReads, 'listMessages'>;
  accounts: Pick<AccountPersister, 'getAccount' | 'findAccountByName'>;
  clock: Clock;
  keys: ServerKeys;
  newId: () => string;
  policy: AddressPolicy;
}

/** Endpoints per account: each event fans out to every one of them. */
export const MAX_ENDPOINTS_PER_ACCOUNT = 20;
const MAX_URL_LENGTH = 2048;

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export const newWebhookSecret = (): string => `whsec_${pooledRandomBytes(32).toString('base64')}`;

const secretPattern = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

const invalid = (field: string, message: string) => new CoreError('VALIDATION_FAILED', { field }, message);

/**
 * Checks a webhook URL before it is stored: https only (plain http to loopback in the sandbox), no
 * credentials in it, and an address written in it must be one webhooks may reach. A name is checked
 * again each time it is resolved, at delivery (see the webhook channel).
 */
export const checkWebhookUrl = (raw: string, policy: AddressPolicy): string => {
  if (raw.length > MAX_URL_LENGTH) throw invalid('url', `The URL is longer than ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('url', 'The URL is not valid.');
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.sandbox && loopback))
    throw invalid('url', policy.sandbox ? 'The URL must be https:// (or http://127.0.0.1 in the sandbox).' : 'The URL must be https://.');
  if (url.username || url.password) throw invalid('url', 'The URL may not carry credentials.');
  if (isIpLiteral(url.hostname) && !mayConnect(url.hostname, policy))
    throw invalid('url', 'The URL points at a private, loopback or link-local address, which webhooks may not reach.');
  url.hash = '';
  return url.toString();
};

const checkEvents = (events: string[]): WebhookEventType[] => {
  if (events.length === 0) throw invalid('events', 'Subscribe to at least one event.');
  const unknown = events.find((e) => !isWebhookEventType(e));
  if (unknown !== undefined) throw invalid('events', `'${unknown}' is not an event.`);
  return [...new Set(events as WebhookEventType[])];
};

/**
 * Webhook endpoints of an account. Creating one needs `manage_subjects` and answers its signing secret
 * this once (it is kept sealed); reading needs `read`. An account credential sees its own endpoints only.
 */
export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  /** Checks an endpoint's settings without storing anything (a fixture file is checked whole first). */
  check(input: { url: string; events: string[]; secret?: string }): { url: string; events: WebhookEventType[] } {
    const url = checkWebhookUrl(input.url, this.deps.policy);
    const events = checkEvents(input.events);
    if (input.secret !== undefined && !secretPattern.test(input.secret))
      throw invalid('secret', 'The secret must be whsec_ and 24 to 64 bytes in base64.');
    return { url, events };
  }

  async create(
    actor: Principal,
    input: { account?: string; url: string; events: string[]; secret?: string },
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    assertMay(actor, 'manage_subjects');
    const { url, events } = this.check(input);
    const accountId = await targetAccount(this.deps.accounts, actor, input.account);
    if (accountId === null) throw invalid('account', 'Name the account the endpoint belongs to.');
    const existing = await this.deps.webhooks.listEndpoints({ accountId, limit: MAX_ENDPOINTS_PER_ACCOUNT });
    if (existing.items.length >= MAX_ENDPOINTS_PER_ACCOUNT)
      throw invalid('url', `An account has at most ${MAX_ENDPOINTS_PER_ACCOUNT} webhook endpoints.`);
    const secret = input.secret ?? newWebhookSecret();
    const endpoint: WebhookEndpoint = {
      id: this.deps.newId(),
      accountId,
      url,
      events,
      sealedSecret: seal(this.deps.keys.seal, secret),
      createdAt: this.deps.clock.now(),
      deletedAt: null,
    };
    await this.deps.webhooks.addEndpoint(endpoint);
    return { endpoint, secret };
  }

  async list(actor: Principal, filter: { account?: string; cursor?: string; limit: number }): Promise<Page<WebhookEndpoint>> {
    assertMay(actor, 'read');
    const accountId =
      filter.account === undefined ? scopeOf(actor) : ((await targetAccount(this.deps.accounts, actor, filter.account)) ?? undefined);
    return this.deps.webhooks.listEndpoints({ accountId, cursor: filter.cursor, limit: filter.limit });
  }

  async get(actor: Principal, id: string): Promise<WebhookEndpoint> {
    assertMay(actor, 'read');
    const scope = scopeOf(actor);
    const endpoint = await this.deps.webhooks.getEndpoint(id);
    if (!endpoint || endpoint.deletedAt !== null || (scope !== undefined && endpoint.accountId !== scope))
      throw new CoreError('WEBHOOK_NOT_FOUND');
    return endpoint;
  }

  async delete(actor: Principal, id: string): Promise<void> {
    assertMay(actor, 'manage_subjects');
    const endpoint = await this.get(actor, id);
    if (!(await this.deps.webhooks.deleteEndpoint(endpoint.accountId, id, this.deps.clock.now()))) throw new CoreError('WEBHOOK_NOT_FOUND');
  }

  /** Every delivery to the endpoint, newest first, with its attempts through the messages API. */
  async deliveries(actor: Principal, id: string, page: { cursor?: string; limit: number }): Promise<Page<Message>> {
    const endpoint = await this.get(actor, id);
    return this.deps.messages.listMessages({ channel: 'webhook', recipient: endpoint.id, accountId: endpoint.accountId, ...page });
  }
}
