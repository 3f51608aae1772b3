import type { CapturedMail, DcvContacts, Store } from '../../core/ports.js';
import type { SubjectKind } from '../../core/subjects/model.js';
import * as rows from '../rows.js';
import { Where } from '../sql-where.js';
import { SqliteAccounts } from './accounts.js';
import type { Row } from './connection.js';
import { isMigrated, openDatabase } from './database.js';

/**
 * The SQLite adapter. Reads run directly; every write goes through the group-commit queue,
 * atomically. Its parts, one file each: connection, verification tables, outbox, accounts, and here
 * the captured inbox, DCV memory and health.
 */
export class SqliteStore extends SqliteAccounts implements Store {
  static open(file: string): SqliteStore {
    return new SqliteStore(openDatabase(file));
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
