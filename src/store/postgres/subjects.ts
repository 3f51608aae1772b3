import type { SubjectKind } from '../../core/subjects/model.js';
import type { SubjectFilter, SubjectPageFilter, SubjectReads } from '../../core/subjects/port.js';
import { subjectPageWhere, subjectsWhere } from '../filters.js';
import * as rows from '../rows.js';
import { PgConnection } from './connection.js';

const kindsIn = (kinds: SubjectKind[]) => `kind IN (${PgConnection.placeholders(kinds)})`;

export class PgSubjects implements SubjectReads {
  constructor(private readonly c: PgConnection) {}

  async getSubject(id: string) {
    const r = await this.c.one('SELECT * FROM subjects WHERE id = ?', id);
    return r ? rows.toSubject(r) : null;
  }

  async findSubjectByNumber(accountId: string | null, kinds: SubjectKind[], number: string) {
    const r = await this.c.one(
      `SELECT * FROM subjects WHERE coalesce(account_id, '') = ? AND ${kindsIn(kinds)} AND number = ?`,
      accountId ?? '',
      ...kinds,
      number,
    );
    return r ? rows.toSubject(r) : null;
  }

  async findSubjectByBaseNumber(accountId: string, kinds: SubjectKind[], baseNumber: string) {
    const r = await this.c.one(
      `SELECT * FROM subjects WHERE account_id = ? AND ${kindsIn(kinds)} AND base_number = ? ORDER BY id DESC LIMIT 1`,
      accountId,
      ...kinds,
      baseNumber,
    );
    return r ? rows.toSubject(r) : null;
  }

  async listSubjects(f: SubjectFilter) {
    return this.c.page('subjects', subjectsWhere(f), f.limit, rows.toSubject);
  }

  async pageSubjects(f: SubjectPageFilter, offset: number, limit: number) {
    const where = subjectPageWhere(f);
    const total = Number((await this.c.one(`SELECT count(*) AS n FROM subjects ${where}`, ...where.params))?.n ?? 0);
    const items = (await this.c.rows(`SELECT * FROM subjects ${where} ORDER BY id LIMIT ? OFFSET ?`, ...where.params, limit, offset)).map(
      rows.toSubject,
    );
    return { items, total };
  }
}
