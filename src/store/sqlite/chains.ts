import type { Row, RowSource, SqliteConnection } from './connection.js';

/**
 * A verification's tokens, messages and events, found without a by-verification index: each new one
 * names the one before it (`prev_*`), and the verification row names the newest (`*_head`). A resend
 * writes the verification row anyway, so keeping the chains costs no page of its own, where the three
 * indexes cost a page each that no other resend of the group commit shared (migration 8 says more).
 * Webhook deliveries and refusal counts stay in partial indexes: see `childrenOf`.
 */
export type Child = 'tokens' | 'messages' | 'events';

const link = {
  tokens: { head: 'token_head', prev: 'prev_id', key: 'id' },
  messages: { head: 'message_head', prev: 'prev_id', key: 'id' },
  events: { head: 'event_head', prev: 'prev_seq', key: 'seq' },
} as const;

type Heads = Record<Child, string | number | null>;

/**
 * Inserts children within one write, chaining each to its verification; `finish` then moves each
 * verification's heads in one update. A child of a verification with no row is inserted unchained:
 * no listing by verification finds it.
 */
export class ChainedInserts {
  private readonly heads = new Map<string, { heads: Heads; moved: boolean }>();

  constructor(private readonly c: SqliteConnection) {}

  insert(child: Child, row: Row): void {
    const verificationId = row.verification_id;
    const chain = typeof verificationId === 'string' ? this.headsOf(verificationId) : undefined;
    const l = link[child];
    // Set on the row itself: a copy with a computed key would be a dictionary-mode object, slower to bind.
    row[l.prev] = chain ? chain.heads[child] : null;
    const result = this.c.insert(child, row);
    if (!chain) return;
    chain.heads[child] = child === 'events' ? Number(result.lastInsertRowid) : (row.id as string);
    chain.moved = true;
  }

  finish(): void {
    for (const [id, chain] of this.heads) {
      if (!chain.moved) continue;
      this.c
        .stmt('UPDATE verifications SET token_head = @tokens, message_head = @messages, event_head = @events WHERE id = @id')
        .run({ ...chain.heads, id });
    }
    this.heads.clear();
  }

  private headsOf(verificationId: string): { heads: Heads; moved: boolean } | undefined {
    let chain = this.heads.get(verificationId);
    if (!chain) {
      const r = this.c.one(
        'SELECT token_head AS tokens, message_head AS messages, event_head AS events FROM verifications WHERE id = ?',
        verificationId,
      );
      if (!r) return undefined;
      chain = {
        heads: { tokens: r.tokens as Heads['tokens'], messages: r.messages as Heads['messages'], events: r.events as Heads['events'] },
        moved: false,
      };
      this.heads.set(verificationId, chain);
    }
    return chain;
  }
}

/** Inserts children of one table, chained (events recorded outside a command's batch). */
export const insertChained = (c: SqliteConnection, child: Child, rows: Row[]): void => {
  const chained = new ChainedInserts(c);
  for (const row of rows) chained.insert(child, row);
  chained.finish();
};

/** Those kept outside the chains, in a partial index, and found through it. */
const indexed: Record<Child, string | null> = {
  tokens: null,
  // Several a statement, one for each subscribed endpoint.
  messages: "SELECT id FROM messages WHERE verification_id = ? AND channel = 'webhook'",
  // One row a bucket, counted in place.
  events: 'SELECT seq FROM events WHERE verification_id = ? AND bucket IS NOT NULL',
};

/**
 * The children of one verification of one table: along its chain, and those in the partial index.
 * The join is a CROSS JOIN so that SQLite walks the chain first: left to itself, it may prefer an index
 * of another filter (messages by status) and read every row that index holds.
 *
 * A pruned event's seq can be handed to a new row (SQLite reuses rowids once the newest rows are gone),
 * which an old link may still name: the walk stops at a row of another verification, UNION ends any
 * cycle, and callers keep their own filter on `verification_id` for the head itself.
 */
export const childrenOf = (child: Child, verificationId: string): RowSource => {
  const l = link[child];
  const other = indexed[child];
  return {
    with: `WITH RECURSIVE chain(k) AS (
        SELECT ${l.head} FROM verifications WHERE id = ?
        UNION SELECT x.${l.prev} FROM ${child} x JOIN chain ON x.${l.key} = chain.k WHERE x.verification_id = ? AND x.${l.prev} IS NOT NULL
      ), kids(k) AS (SELECT k FROM chain${other === null ? '' : ` UNION ${other}`})`,
    from: `kids CROSS JOIN ${child} ON ${child}.${l.key} = kids.k`,
    params: other === null ? [verificationId, verificationId] : [verificationId, verificationId, verificationId],
  };
};
