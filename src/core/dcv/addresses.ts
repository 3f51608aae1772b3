import { isValidRecipient } from '../addresses.js';
import { authorizationDomainNames } from './names.js';
import type { DcvContacts } from './port.js';

/** The five constructed local parts of CA/B BR 3.2.2.4.4. */
export const constructedLocalParts = ['admin', 'administrator', 'webmaster', 'hostmaster', 'postmaster'] as const;

export const constructedAddresses = (adn: string): string[] => constructedLocalParts.map((l) => `${l}@${adn}`);

/** Contacts published in DNS, kept only when they are plain valid addresses. */
export const cleanContacts = (values: string[]): string[] => [
  ...new Set(values.map((v) => v.trim().toLowerCase()).filter(isValidRecipient)),
];

export interface AllowedAddresses {
  /** Every ADN of the name, most specific first. */
  adns: string[];
  constructed: string[];
  dnsTxt: string[];
  caa: string[];
}

/** Every address DCV email may go to for `name`: constructed ones and DNS contacts at each ADN. */
export const allowedAddresses = async (
  name: string,
  lookup: (adn: string) => Promise<DcvContacts>,
  adns: string[] = authorizationDomainNames(name),
): Promise<AllowedAddresses> => {
  const contacts = await Promise.all(adns.map(lookup));
  return {
    adns,
    constructed: adns.flatMap(constructedAddresses),
    dnsTxt: cleanContacts(contacts.flatMap((c) => c.txt)),
    caa: cleanContacts(contacts.flatMap((c) => c.caa)),
  };
};

export const isAllowed = (allowed: AllowedAddresses, email: string): boolean => {
  const e = email.toLowerCase();
  return allowed.constructed.includes(e) || allowed.dnsTxt.includes(e) || allowed.caa.includes(e);
};
