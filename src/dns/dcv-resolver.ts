import { Resolver } from 'node:dns/promises';
import type { DcvContacts, DcvPersister, DcvResolver } from '../core/dcv/port.js';

const empty = (): string[] => [];

/**
 * DCV contacts from DNS: TXT at `_validation-contactemail.<name>` (BR 3.2.2.4.14) and CAA
 * `contactemail` at the name (BR 3.2.2.4.13). Sandbox fixture entries answer first; with no
 * configured servers the system resolver is used. A failed lookup means no contacts, never an error.
 */
export class DnsDcvResolver implements DcvResolver {
  private readonly resolver = new Resolver({ timeout: 2000, tries: 2 });

  constructor(
    private readonly fixtures: Pick<DcvPersister, 'getDnsFixture'>,
    servers: string[] = [],
  ) {
    if (servers.length > 0) this.resolver.setServers(servers);
  }

  async contacts(adn: string): Promise<DcvContacts> {
    const fixture = await this.fixtures.getDnsFixture(adn);
    if (fixture) return fixture;
    const [txt, caa] = await Promise.all([
      this.resolver
        .resolveTxt(`_validation-contactemail.${adn}`)
        .then((records) => records.map((chunks) => chunks.join('')))
        .catch(empty),
      this.resolver
        .resolveCaa(adn)
        .then((records) =>
          records.flatMap((r) =>
            typeof (r as { contactemail?: unknown }).contactemail === 'string' ? [(r as { contactemail: string }).contactemail] : [],
          ),
        )
        .catch(empty),
    ]);
    return { txt, caa };
  }
}
