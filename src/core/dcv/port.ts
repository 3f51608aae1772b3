/** Contact addresses published in DNS for DCV at one name (TXT `_validation-contactemail`, CAA `contactemail`). */
export interface DcvContacts {
  txt: string[];
  caa: string[];
}

/** Looks up DCV contacts; answers empty lists when the name publishes none or DNS fails. */
export interface DcvResolver {
  contacts(adn: string): Promise<DcvContacts>;
}

/** What DCV remembers: addresses offered to an account, and sandbox DNS answers from fixtures. Upserts. */
export interface DcvPersister {
  recordDcvOffers(accountId: string, domain: string, emails: string[], at: number): Promise<void>;
  /** The domains among `domains` for which `email` was offered to the account since `since`. */
  dcvOfferedDomains(accountId: string, email: string, domains: string[], since: number): Promise<string[]>;
  putDnsFixtures(entries: Record<string, DcvContacts>): Promise<void>;
  getDnsFixture(name: string): Promise<DcvContacts | null>;
}
