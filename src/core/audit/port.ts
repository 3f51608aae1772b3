import type { AuditEvent } from '../model.js';

export interface EventFilter {
  /** The events of a verification that is stored: an event naming an id no verification has may not be found by it. */
  verificationId?: string;
  subjectId?: string;
  accountId?: string;
  /** Only events of these types. */
  types?: string[];
  since?: number;
  limit: number;
}

/** Events per hour and type; aggregated refusals count as many as they stand for. */
export interface HourlyCount {
  type: string;
  /** Start of the hour, epoch ms (UTC). */
  hour: number;
  count: number;
}

/** A refusal to count: refusals are aggregated, one row per bucket, however many there are. */
export interface Refusal {
  /** The row's id if this refusal opens a new bucket. */
  id: string;
  type: string;
  at: number;
  accountId: string | null;
  verificationId: string | null;
  subjectId: string | null;
  /** What identifies the bucket besides type, account, verification and hour (e.g. the rule). */
  key: string;
  detail: Record<string, unknown>;
}

/**
 * The audit log: append-only events (most written inside their command's batch), aggregated refusal
 * counts, and retention. Concurrency: counting a refusal is an atomic upsert (no lost increments).
 */
export interface AuditPersister {
  append(events: AuditEvent[]): Promise<void>;
  countRefusal(refusal: Refusal): Promise<void>;
  /** Newest first. */
  listEvents(filter: EventFilter): Promise<AuditEvent[]>;
  /** Counts events of `types` at or after `since`, by UTC hour, of one account when given. */
  countByHour(filter: { types: string[]; since: number; accountId?: string }): Promise<HourlyCount[]>;
  /** Drops events (and refusal counts) older than `before`; returns how many rows went. */
  prune(before: number): Promise<number>;
}
