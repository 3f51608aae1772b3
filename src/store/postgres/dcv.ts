import type { DcvContacts, DcvPersister } from '../../core/dcv/port.js';
import type { PgConnection } from './connection.js';

export class PgDcv implements DcvPersister {
  constructor(private readonly c: PgConnection) {}

  async recordDcvOffers(accountId: string, domain: string, emails: string[], at: number) {
    const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
    if (unique.length === 0) return;
    await this.c.run(
      `INSERT INTO dcv_offers (account_id, email, domain, offered_at) SELECT ?, e, ?, ? FROM unnest(?::text[]) AS e
       ON CONFLICT (account_id, email, domain) DO UPDATE SET offered_at = excluded.offered_at`,
      accountId,
      domain,
      at,
      unique,
    );
  }

  async dcvOfferedDomains(accountId: string, email: string, domains: string[], since: number) {
    const rs = await this.c.rows(
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
    await this.c.tx(async (q) => {
      for (const [name, c] of Object.entries(entries)) await q.run(sql, name, JSON.stringify(c.txt), JSON.stringify(c.caa));
    });
  }

  async getDnsFixture(name: string) {
    const r = await this.c.one('SELECT txt, caa FROM dns_fixtures WHERE name = ?', name);
    return r ? { txt: JSON.parse(String(r.txt)) as string[], caa: JSON.parse(String(r.caa)) as string[] } : null;
  }
}
