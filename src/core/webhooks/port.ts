import type { Page } from '../page.js';
import type { WebhookEventType } from './events.js';

export interface WebhookEndpoint {
  id: string;
  accountId: string;
  url: string;
  events: WebhookEventType[];
  /** The `whsec_` signing secret, sealed with the server key: it must be read back to sign. */
  sealedSecret: string;
  createdAt: number;
  deletedAt: number | null;
}

export interface EndpointFilter {
  accountId?: string;
  cursor?: string;
  limit: number;
}

/**
 * An account's webhook endpoints. Concurrency, on every adapter:
 * - `addEndpoint` stores the endpoint with its subscriptions in one transaction: every announcement
 *   committed after it returns reaches the endpoint (the batch expands announcements through the
 *   subscriptions, inside its own transaction).
 * - `deleteEndpoint` removes the subscriptions in the same transaction as it marks the endpoint
 *   deleted: once it returns, nothing new is queued for it; deliveries already queued end unsent.
 *   Deleted endpoints stay readable by id (their deliveries keep pointing at them).
 */
export interface WebhookPersister {
  addEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  getEndpoint(id: string): Promise<WebhookEndpoint | null>;
  /** Live endpoints, newest first. */
  listEndpoints(filter: EndpointFilter): Promise<Page<WebhookEndpoint>>;
  /** False when the account has no such live endpoint. */
  deleteEndpoint(accountId: string, id: string, at: number): Promise<boolean>;
}
