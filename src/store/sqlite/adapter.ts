import type Database from 'better-sqlite3';
import type { Account, MessageStatus } from '../../core/model.js';
import { messageStatuses } from '../../core/model.js';
import type {
  AccessKeyRecord,
  ApiKeyRecord,
  CapturedMail,
  ClaimedMessage,
  CommitResult,
  DcvContacts,
  DeliveryOutcome,
  MessageFilter,
  Page,
  Store,
  SubjectFilter,
  VerificationFilter,
  WriteBatch,
} from '../../core/ports.js';
import type { SubjectKind } from '../../core/subjects/model.js';
import { chargedKeys, evaluateQuota } from '../quota.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import { type Db, isMigrated, openDatabase } from './database.js';
import { WriteQueue } from './write-queue.js';

type Row = Record<string, unknown>;

class Abort extends Error {
  constructor(readonly result: CommitResult) {
    super('abort');
  }
}

/** The SQLite adapter: reads run directly; every write goes through the group-commit queue, atomically. */
export class SqliteStore implements Store {
  private readonly statements = new Map<string, Database.Statement<unknown[]>>();

  private readonly writes: WriteQueue;

  constructor(readonly db: Db) {
    this.writes = new WriteQueue(db, (e) => e instanceof Abort);
  }

  static open(file: string): SqliteStore {
    return new SqliteStore(openDatabase(file));
  }

  private stmt(sql: string) {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[]>(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private all(sql: string, ...params: unknown[]): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }

  private one(sql: string, ...params: unknown[]): Row | undefined {
    return this.stmt(sql).get(...params) as Row | undefined;
  }

  private insert(table: string, row: Row): void {
    const cols = Object.keys(row);
    this.stmt(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(row);
  }

  /** Writes only the columns that changed, so indexes over unchanged columns are left alone. */
  /** Writes only the columns that differ from `current`, so indexes over unchanged columns are left alone. */
  private update(table: string, row: Row, current: Row): void {
    const changed = Object.keys(row).filter((c) => c !== 'id' && current[c] !== row[c]);
    if (changed.length === 0) return;
    const values: Row = { id: row.id };
    for (const c of changed) values[c] = row[c];
    this.stmt(`UPDATE ${table} SET ${changed.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run(values);
  }

  /**
   * Reads every row the batch updates and checks the optimistic guards, before anything is written:
   * a conflict aborts cleanly. The rows read serve the updates' column diffs.
   */
  private readCurrent(table: string, updates: Row[], expected: Record<string, number> = {}): Map<unknown, Row> {
    const current = new Map<unknown, Row>();
    for (const row of updates) {
      const r = this.one(`SELECT * FROM ${table} WHERE id = ?`, row.id);
      if (!r) throw new Abort({ ok: false, reason: 'conflict' });
      current.set(row.id, r);
    }
    for (const [id, version] of Object.entries(expected)) {
      const r = current.get(id) ?? this.one(`SELECT version FROM ${table} WHERE id = ?`, id);
      if (!r || Number(r.version) !== version) throw new Abort({ ok: false, reason: 'conflict' });
    }
    return current;
  }

  private checkQuota(quota: NonNullable<WriteBatch['quota']>): void {
    if (!quota.enforce) return;
    const verdict = evaluateQuota(quota.sends, quota.at, (key, since) =>
      this.all('SELECT at FROM quota_charges WHERE key = ? AND at > ? ORDER BY at', key, since).map((r) => Number(r.at)),
    );
    if (!verdict.ok) throw new Abort({ ok: false, reason: 'quota', rule: verdict.rule, retryAfterMs: verdict.retryAfterMs });
  }

  /** Every check first (guards, quotas: they throw Abort before anything is written), then the writes. */
  private readonly applyBatch = (b: WriteBatch): void => {
    const subjectUpdates = (b.subjects?.update ?? []).map(rows.subjectRow);
    const verificationUpdates = (b.verifications?.update ?? []).map(rows.verificationRow);
    const tokenUpdates = (b.tokens?.update ?? []).map(rows.tokenRow);
    const subjects = this.readCurrent('subjects', subjectUpdates, b.expect?.subjects);
    const verifications = this.readCurrent('verifications', verificationUpdates, b.expect?.verifications);
    const tokens = this.readCurrent('tokens', tokenUpdates);
    if (b.quota) this.checkQuota(b.quota);
    for (const key of b.clearQuotaKeys ?? []) this.stmt('DELETE FROM quota_charges WHERE key = ?').run(key);
    if (b.quota && b.quota.charge !== false) {
      for (const key of chargedKeys(b.quota.sends)) this.stmt('INSERT INTO quota_charges (key, at) VALUES (?, ?)').run(key, b.quota.at);
    }
    for (const s of b.subjects?.insert ?? []) this.insert('subjects', rows.subjectRow(s));
    for (const r of subjectUpdates) this.update('subjects', r, subjects.get(r.id) as Row);
    for (const v of b.verifications?.insert ?? []) this.insert('verifications', rows.verificationRow(v));
    for (const r of verificationUpdates) this.update('verifications', r, verifications.get(r.id) as Row);
    for (const t of b.tokens?.insert ?? []) this.insert('tokens', rows.tokenRow(t));
    for (const r of tokenUpdates) this.update('tokens', r, tokens.get(r.id) as Row);
    for (const m of b.messages ?? []) this.insert('messages', rows.messageRow(m));
    for (const e of b.events ?? []) this.insert('events', rows.eventRow(e));
  };

  async commit(batch: WriteBatch): Promise<CommitResult> {
    try {
      await this.writes.run(() => this.applyBatch(batch));
      return { ok: true };
    } catch (e) {
      if (e instanceof Abort) return e.result;
      if (e instanceof Error && 'code' in e && String(e.code).startsWith('SQLITE_CONSTRAINT')) return { ok: false, reason: 'conflict' };
      throw e;
    }
  }

  async getVerificationWithToken(id: string) {
    const r = this.one(
      `SELECT v.*, t.id AS t_id, t.verification_id AS t_verification_id, t.hash AS t_hash, t.sealed AS t_sealed,
              t.expires_at AS t_expires_at, t.used_at AS t_used_at, t.created_at AS t_created_at
       FROM verifications v LEFT JOIN tokens t ON t.id = v.current_token_id WHERE v.id = ?`,
      id,
    );
    if (!r) return null;
    const token =
      r.t_id === null
        ? null
        : rows.toToken({
            id: r.t_id,
            verification_id: r.t_verification_id,
            hash: r.t_hash,
            sealed: r.t_sealed,
            expires_at: r.t_expires_at,
            used_at: r.t_used_at,
            created_at: r.t_created_at,
          });
    return { verification: rows.toVerification(r), token };
  }

  async getVerification(id: string) {
    const r = this.one('SELECT * FROM verifications WHERE id = ?', id);
    return r ? rows.toVerification(r) : null;
  }

  private page<T extends { id: string }>(table: string, where: Where, limit: number, map: (r: Row) => T): Page<T> {
    const sql = `SELECT * FROM ${table} ${where} ORDER BY id DESC LIMIT ?`;
    return rows.pageOf((this.stmt(sql).all(...where.params, limit + 1) as Row[]).map(map), limit);
  }

  async listVerifications(f: VerificationFilter) {
    const where = new Where()
      .add('account_id = ?', f.accountId)
      .add('recipient = ?', f.recipient)
      .add('purpose = ?', f.purpose)
      .add('subject_id = ?', f.subjectId)
      .add('id < ?', rows.decodeCursor(f.cursor));
    if (f.state === 'expired') where.add("(state = 'expired' OR (state = 'pending' AND expires_at <= ?))", f.now);
    else if (f.state === 'pending') where.add("state = 'pending' AND expires_at > ?", f.now);
    else where.add('state = ?', f.state);
    return this.page('verifications', where, f.limit, rows.toVerification);
  }

  async verificationsOfSubject(subjectId: string) {
    return this.all('SELECT * FROM verifications WHERE subject_id = ? ORDER BY id', subjectId).map(rows.toVerification);
  }

  async listExpiring(now: number, limit: number) {
    return this.all("SELECT * FROM verifications WHERE state = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?", now, limit).map(
      rows.toVerification,
    );
  }

  async findTokenByHash(hash: string) {
    const r = this.one('SELECT * FROM tokens WHERE hash = ?', hash);
    return r ? rows.toToken(r) : null;
  }

  async getToken(id: string) {
    const r = this.one('SELECT * FROM tokens WHERE id = ?', id);
    return r ? rows.toToken(r) : null;
  }

  async tokensOf(verificationId: string) {
    return this.all('SELECT * FROM tokens WHERE verification_id = ? ORDER BY id', verificationId).map(rows.toToken);
  }

  async getSubject(id: string) {
    const r = this.one('SELECT * FROM subjects WHERE id = ?', id);
    return r ? rows.toSubject(r) : null;
  }

  async findSubjectByNumber(accountId: string | null, kinds: SubjectKind[], number: string) {
    const r = this.db
      .prepare(`SELECT * FROM subjects WHERE ifnull(account_id, '') = ? AND kind IN (${kinds.map(() => '?').join(', ')}) AND number = ?`)
      .get(accountId ?? '', ...kinds, number) as Row | undefined;
    return r ? rows.toSubject(r) : null;
  }

  async listSubjects(f: SubjectFilter) {
    const where = new Where()
      .add(`kind IN (${f.kinds.map(() => '?').join(', ')})`, ...f.kinds)
      .add('account_id = ?', f.accountId)
      .add('state = ?', f.state)
      .add('id < ?', rows.decodeCursor(f.cursor));
    return this.page('subjects', where, f.limit, rows.toSubject);
  }

  async pageSubjects(
    f: { accountId: string; kinds: SubjectKind[]; states?: string[]; number?: string; createdFrom?: number; createdTo?: number },
    offset: number,
    limit: number,
  ) {
    const where = new Where()
      .add('account_id = ?', f.accountId)
      .add(`kind IN (${f.kinds.map(() => '?').join(', ')})`, ...f.kinds)
      .add('number = ?', f.number)
      .add('created_at >= ?', f.createdFrom)
      .add('created_at <= ?', f.createdTo);
    if (f.states?.length) where.add(`state IN (${f.states.map(() => '?').join(', ')})`, ...f.states);
    const total = Number((this.stmt(`SELECT count(*) AS n FROM subjects ${where}`).get(...where.params) as Row).n);
    const items = (
      this.stmt(`SELECT * FROM subjects ${where} ORDER BY id LIMIT ? OFFSET ?`).all(...where.params, limit, offset) as Row[]
    ).map(rows.toSubject);
    return { items, total };
  }

  async getMessage(id: string) {
    const r = this.one('SELECT * FROM messages WHERE id = ?', id);
    return r ? rows.toMessage(r) : null;
  }

  async listMessages(f: MessageFilter) {
    const where = new Where()
      .add('account_id = ?', f.accountId)
      .add('verification_id = ?', f.verificationId)
      .add('status = ?', f.status)
      .add('id < ?', rows.decodeCursor(f.cursor));
    return this.page('messages', where, f.limit, rows.toMessage);
  }

  async attemptsOf(messageId: string) {
    return this.all('SELECT * FROM delivery_attempts WHERE message_id = ? ORDER BY number', messageId).map(rows.toAttempt);
  }

  async listEvents(f: { verificationId?: string; limit: number }) {
    const rs =
      f.verificationId === undefined
        ? this.all('SELECT * FROM events ORDER BY seq DESC LIMIT ?', f.limit)
        : this.all('SELECT * FROM events WHERE verification_id = ? ORDER BY seq DESC LIMIT ?', f.verificationId, f.limit);
    return rs.map(rows.toEvent);
  }

  async pruneQuota(before: number) {
    return this.writes.run(() => this.stmt('DELETE FROM quota_charges WHERE at <= ?').run(before).changes);
  }

  // Outbox

  private readonly claimTx = (owner: string, limit: number, leaseMs: number, now: number): ClaimedMessage[] => {
    // Attempts cut short by an expired lease, found through the messages' index and the attempts' key.
    this.stmt(
      `UPDATE delivery_attempts SET result = 'lost', finished_at = @now, response = 'lease expired before the attempt ended'
       WHERE result = 'in_flight' AND (message_id, number) IN (SELECT id, attempts FROM messages WHERE status = 'sending' AND lease_until < @now)`,
    ).run({ now });
    // Each status read in its index's order, so a long backlog is never sorted to take a few.
    const due = [
      ...this.all(
        "SELECT id, next_attempt_at AS t FROM messages WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
        now,
        limit,
      ),
      ...this.all(
        "SELECT id, next_attempt_at AS t FROM messages WHERE status = 'deferred' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
        now,
        limit,
      ),
      ...this.all("SELECT id, lease_until AS t FROM messages WHERE status = 'sending' AND lease_until < ? LIMIT ?", now, limit),
    ]
      .sort((a, b) => Number(a.t) - Number(b.t))
      .slice(0, limit);
    const claimed = due.map((d) =>
      rows.toMessage(
        this.stmt(
          `UPDATE messages SET status = 'sending', lease_owner = @owner, lease_until = @until, attempts = attempts + 1
           WHERE id = @id RETURNING *`,
        ).get({ owner, until: now + leaseMs, id: d.id }) as Row,
      ),
    );
    return claimed.map((m) => {
      this.stmt("INSERT INTO delivery_attempts (message_id, number, started_at, result) VALUES (?, ?, ?, 'in_flight')").run(
        m.id,
        m.attempts,
        now,
      );
      const c = this.one(
        `SELECT v.state AS state, t.sealed AS sealed, t.used_at AS used_at, t.expires_at AS expires_at
         FROM verifications v LEFT JOIN tokens t ON t.id = ? WHERE v.id = ?`,
        m.tokenId,
        m.verificationId,
      );
      return {
        ...m,
        verificationState: c ? (c.state as ClaimedMessage['verificationState']) : null,
        token:
          c && c.expires_at !== null
            ? {
                sealed: c.sealed === null ? null : String(c.sealed),
                usedAt: c.used_at === null ? null : Number(c.used_at),
                expiresAt: Number(c.expires_at),
              }
            : null,
      };
    });
  };

  async claim(owner: string, limit: number, leaseMs: number, now: number) {
    return this.writes.run(() => this.claimTx(owner, limit, leaseMs, now));
  }

  private readonly completeTx = (id: string, owner: string, o: DeliveryOutcome, now: number): boolean => {
    const owned = "WHERE id = @id AND lease_owner = @owner AND status = 'sending'";
    const release = 'lease_owner = NULL, lease_until = NULL';
    const params = { id, owner, now };
    const changed =
      o.result === 'sent'
        ? this.stmt(`UPDATE messages SET status = 'sent', sent_at = @now, smtp_response = @response, ${release} ${owned}`).run({
            ...params,
            response: o.response,
          })
        : o.result === 'deferred'
          ? this.stmt(`UPDATE messages SET status = 'deferred', next_attempt_at = @next, last_error = @error, ${release} ${owned}`).run({
              ...params,
              next: o.nextAttemptAt,
              error: o.error,
            })
          : this.stmt(`UPDATE messages SET status = 'failed', abandoned = @abandoned, last_error = @error, ${release} ${owned}`).run({
              ...params,
              abandoned: o.abandoned ? 1 : 0,
              error: o.error,
            });
    if (changed.changes === 0) return false;
    this.stmt("UPDATE delivery_attempts SET result = ?, finished_at = ?, response = ? WHERE message_id = ? AND result = 'in_flight'").run(
      o.result,
      now,
      o.result === 'sent' ? o.response : o.error,
      id,
    );
    return true;
  };

  async complete(id: string, owner: string, outcome: DeliveryOutcome, now: number) {
    return this.writes.run(() => this.completeTx(id, owner, outcome, now));
  }

  async suppress(id: string, owner: string, reason: string, now: number) {
    return this.writes.run(() => this.suppressTx(id, owner, reason, now));
  }

  private suppressTx(id: string, owner: string, reason: string, now: number): boolean {
    const done = this.stmt(
      "UPDATE messages SET status = 'suppressed', last_error = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ? AND status = 'sending'",
    ).run(reason, id, owner);
    if (done.changes === 0) return false;
    this.stmt(
      "UPDATE delivery_attempts SET result = 'failed', finished_at = ?, response = ? WHERE message_id = ? AND result = 'in_flight'",
    ).run(now, reason, id);
    return true;
  }

  async queueDepth() {
    const depth = Object.fromEntries(messageStatuses.map((s) => [s, 0])) as Record<MessageStatus, number>;
    for (const r of this.all('SELECT status, count(*) AS n FROM messages GROUP BY status')) depth[r.status as MessageStatus] = Number(r.n);
    return depth;
  }

  async nextDueAt() {
    const r = this.one(
      `SELECT min(t) AS t FROM (
         SELECT min(next_attempt_at) AS t FROM messages WHERE status IN ('queued', 'deferred')
         UNION ALL SELECT min(lease_until) FROM messages WHERE status = 'sending')`,
    );
    return r?.t === null || r?.t === undefined ? null : Number(r.t);
  }

  // Accounts and credentials

  async createAccount(
    account: Account,
    c: { passwordHash: string | null; apiKeys: ApiKeyRecord[]; accessKeys: AccessKeyRecord[] },
  ): Promise<'created' | 'exists'> {
    try {
      await this.writes.run(() => {
        this.insert('accounts', {
          id: account.id,
          name: account.name,
          login_name: account.loginName,
          password_hash: c.passwordHash,
          permissions: JSON.stringify(account.permissions),
          created_at: account.createdAt,
        });
        for (const k of c.apiKeys) this.insert('api_keys', rows.apiKeyRow(k));
        for (const k of c.accessKeys) this.insert('access_keys', rows.accessKeyRow(k));
      });
      return 'created';
    } catch (e) {
      if (e instanceof Error && 'code' in e && String(e.code).startsWith('SQLITE_CONSTRAINT')) return 'exists';
      throw e;
    }
  }

  async getAccount(id: string) {
    const r = this.one('SELECT * FROM accounts WHERE id = ?', id);
    return r ? rows.toAccount(r) : null;
  }

  async findAccountByName(name: string) {
    const r = this.one('SELECT * FROM accounts WHERE name = ?', name);
    return r ? rows.toAccount(r) : null;
  }

  async findAccountByLogin(loginName: string) {
    const r = this.one('SELECT * FROM accounts WHERE login_name = ?', loginName);
    return r ? { account: rows.toAccount(r), passwordHash: r.password_hash === null ? null : String(r.password_hash) } : null;
  }

  async listAccounts(cursor: string | undefined, limit: number): Promise<Page<Account>> {
    return this.page('accounts', new Where().add('id < ?', rows.decodeCursor(cursor)), limit, rows.toAccount);
  }

  async addApiKey(key: ApiKeyRecord) {
    await this.writes.run(() => this.insert('api_keys', rows.apiKeyRow(key)));
  }

  async listApiKeys(accountId: string) {
    return this.all('SELECT * FROM api_keys WHERE account_id = ? ORDER BY id', accountId).map(rows.toApiKey);
  }

  async getApiKey(accountId: string, id: string) {
    const r = this.one('SELECT * FROM api_keys WHERE account_id = ? AND id = ?', accountId, id);
    return r ? rows.toApiKey(r) : null;
  }

  async findApiKeyByHash(hash: string) {
    const r = this.one('SELECT * FROM api_keys WHERE hash = ?', hash);
    return r ? rows.toApiKey(r) : null;
  }

  async revokeApiKey(accountId: string, id: string, at: number) {
    const sql = 'UPDATE api_keys SET revoked_at = ? WHERE account_id = ? AND id = ? AND revoked_at IS NULL';
    return this.writes.run(() => this.stmt(sql).run(at, accountId, id).changes > 0);
  }

  async addAccessKey(key: AccessKeyRecord) {
    await this.writes.run(() => this.insert('access_keys', rows.accessKeyRow(key)));
  }

  async getAccessKey(id: string) {
    const r = this.one('SELECT * FROM access_keys WHERE id = ?', id);
    return r ? rows.toAccessKey(r) : null;
  }

  async getSetting(name: string) {
    const r = this.one('SELECT value FROM settings WHERE name = ?', name);
    return r ? String(r.value) : null;
  }

  async initSetting(name: string, value: string) {
    await this.writes.run(() =>
      this.stmt('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(name, value),
    );
    return (await this.getSetting(name)) ?? value;
  }

  // Captured inbox

  async capture(mail: CapturedMail) {
    await this.writes.run(() =>
      this.stmt(
        'INSERT INTO captured_mail (id, account_id, message_id, to_addr, from_addr, subject, text, html, headers, captured_at) VALUES (@id, @account_id, @message_id, @to_addr, @from_addr, @subject, @text, @html, @headers, @captured_at) ON CONFLICT (id) DO NOTHING',
      ).run(rows.capturedRow(mail)),
    );
  }

  async listInbox(f: { to?: string; cursor?: string; limit: number; accountId?: string }) {
    const where = new Where().add('to_addr = ?', f.to).add('account_id = ?', f.accountId).add('id < ?', rows.decodeCursor(f.cursor));
    return this.page('captured_mail', where, f.limit, rows.toCaptured);
  }

  // DCV

  async recordDcvOffers(accountId: string, domain: string, emails: string[], at: number) {
    const sql =
      'INSERT INTO dcv_offers (account_id, email, domain, offered_at) VALUES (?, ?, ?, ?) ON CONFLICT (account_id, email, domain) DO UPDATE SET offered_at = excluded.offered_at';
    await this.writes.run(() => {
      for (const email of new Set(emails.map((e) => e.toLowerCase()))) this.stmt(sql).run(accountId, email, domain, at);
    });
  }

  async dcvOfferedDomains(accountId: string, email: string, domains: string[], since: number) {
    const rs = this.all(
      'SELECT domain FROM dcv_offers WHERE account_id = ? AND email = ? AND offered_at > ?',
      accountId,
      email.toLowerCase(),
      since,
    );
    const offered = new Set(rs.map((r) => String(r.domain)));
    return domains.filter((d) => offered.has(d));
  }

  async putDnsFixtures(entries: Record<string, DcvContacts>) {
    const sql =
      'INSERT INTO dns_fixtures (name, txt, caa) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET txt = excluded.txt, caa = excluded.caa';
    await this.writes.run(() => {
      for (const [name, c] of Object.entries(entries)) this.stmt(sql).run(name, JSON.stringify(c.txt), JSON.stringify(c.caa));
    });
  }

  async getDnsFixture(name: string) {
    const r = this.one('SELECT txt, caa FROM dns_fixtures WHERE name = ?', name);
    return r ? { txt: JSON.parse(String(r.txt)) as string[], caa: JSON.parse(String(r.caa)) as string[] } : null;
  }

  async findSubjectByBaseNumber(accountId: string, kinds: SubjectKind[], baseNumber: string) {
    const r = this.db
      .prepare(
        `SELECT * FROM subjects WHERE account_id = ? AND kind IN (${kinds.map(() => '?').join(', ')}) AND base_number = ? ORDER BY id DESC`,
      )
      .get(accountId, ...kinds, baseNumber) as Row | undefined;
    return r ? rows.toSubject(r) : null;
  }

  async ready() {
    try {
      return isMigrated(this.db);
    } catch {
      return false;
    }
  }

  async close() {
    this.db.close();
  }
}
