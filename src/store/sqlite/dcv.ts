import type { DcvContacts, DcvPersister } from '../../core/dcv/port.js';
import type { SqliteConnection } from './connection.js';

export class SqliteDcv implements DcvPersister {
  constructor(private readonly c: SqliteConnection) {}

  async recordDcvOffers(accountId: string, domain: string, emails: string[], at: number) {
    const sql =
      'INSERT INTO dcv_offers (account_id, email, domain, offered_at) VALUES (?, ?, ?, ?) ON CONFLICT (account_id, email, domain) DO UPDATE SET offered_at = excluded.offered_at';
    await this.c.writes.run(() => {
      for (const email of new Set(emails.map((e) => e.toLowerCase()))) this.c.stmt(sql).run(accountId, email, domain, at);
    });
  }

  async dcvOfferedDomains(accountId: string, email: string, domains: string[], since: number) {
    const rs = this.c.all(
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
    await this.c.writes.run(() => {
      for (const [name, c] of Object.entries(entries)) this.c.stmt(sql).run(name, JSON.stringify(c.txt), JSON.stringify(c.caa));
    });
  }

  async getDnsFixture(name: string) {
    const r = this.c.one('SELECT txt, caa FROM dns_fixtures WHERE name = ?', name);
    return r ? { txt: JSON.parse(String(r.txt)) as string[], caa: JSON.parse(String(r.caa)) as string[] } : null;
  }
}
