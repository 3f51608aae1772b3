import type { CommitResult, MessageFilter, SubjectFilter, VerificationFilter, WriteBatch } from '../../core/ports.js';
import type { SubjectKind } from '../../core/subjects/model.js';
import { chargedKeys, evaluateQuota } from '../quota.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import { Abort, type Row, SqliteConnection } from './connection.js';

/** Verifications, tokens, subjects, messages, events and quota charges: the batches and the reads. */
export class SqliteVerificationTables extends SqliteConnection {
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
    const subjects = this.readCurrent('subjects', subjectUpdates, b.expect?.subjects);
    const verifications = this.readCurrent('verifications', verificationUpdates, b.expect?.verifications);
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
    // A token's id, hash and verification never change, so its update needs no read and touches no index.
    for (const t of b.tokens?.update ?? []) {
      const done = this.stmt('UPDATE tokens SET sealed = @sealed, expires_at = @expires_at, used_at = @used_at WHERE id = @id').run({
        id: t.id,
        sealed: t.sealed,
        expires_at: t.expiresAt,
        used_at: t.usedAt,
      });
      if (done.changes === 0) throw new Error(`token ${t.id} vanished inside its transaction`);
    }
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
}
