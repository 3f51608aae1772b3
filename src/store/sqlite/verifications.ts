import type { VerificationFilter, VerificationReads } from '../../core/verification/port.js';
import { verificationsWhere } from '../filters.js';
import * as rows from '../rows.js';
import { childrenOf } from './chains.js';
import type { SqliteConnection } from './connection.js';

export class SqliteVerifications implements VerificationReads {
  constructor(private readonly c: SqliteConnection) {}

  async getVerificationWithToken(id: string) {
    const r = this.c.one(
      `SELECT v.*, t.id AS t_id, t.verification_id AS t_verification_id, t.hash AS t_hash, t.verifier AS t_verifier, t.sealed AS t_sealed,
              t.expires_at AS t_expires_at, t.used_at AS t_used_at, t.created_at AS t_created_at
       FROM verifications v LEFT JOIN tokens t ON t.id = v.current_token_id WHERE v.id = ?`,
      id,
    );
    if (!r) return null;
    return { verification: rows.toVerification(r), token: r.t_id === null ? null : rows.toToken(rows.prefixed(r, 't_')) };
  }

  async getVerification(id: string) {
    const r = this.c.one('SELECT * FROM verifications WHERE id = ?', id);
    return r ? rows.toVerification(r) : null;
  }

  async listVerifications(f: VerificationFilter) {
    return this.c.page('verifications', verificationsWhere(f), f.limit, rows.toVerification);
  }

  async verificationsOfSubject(subjectId: string) {
    return this.c.all('SELECT * FROM verifications WHERE subject_id = ? ORDER BY id', subjectId).map(rows.toVerification);
  }

  async listExpiring(now: number, limit: number) {
    return this.c
      .all("SELECT * FROM verifications WHERE state = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?", now, limit)
      .map(rows.toVerification);
  }

  async findTokenByHash(hash: string) {
    const r = this.c.one('SELECT * FROM tokens WHERE hash = ?', hash);
    return r ? rows.toToken(r) : null;
  }

  async getToken(id: string) {
    const r = this.c.one('SELECT * FROM tokens WHERE id = ?', id);
    return r ? rows.toToken(r) : null;
  }

  async tokensOf(verificationId: string) {
    const kids = childrenOf('tokens', verificationId);
    const sql = `${kids.with} SELECT * FROM ${kids.from} WHERE verification_id = ? ORDER BY id`;
    return this.c.all(sql, ...kids.params, verificationId).map(rows.toToken);
  }
}
