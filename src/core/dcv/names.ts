import { domainToASCII } from 'node:url';
import { getDomain } from 'tldts';
import { CoreError } from '../errors.js';

const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A domain name as DCV uses it: IDN to punycode, lower case, no trailing dot, a leading `*.` dropped
 * (a wildcard is validated at its base name). Throws VALIDATION_FAILED for anything else.
 */
export const normaliseDomainName = (raw: string, field = 'domainName'): string => {
  const trimmed = raw.trim().replace(/\.$/, '').replace(/^\*\./, '');
  const ascii = trimmed === '' || /[\s/\\@:]/.test(trimmed) ? '' : domainToASCII(trimmed);
  const labels = ascii.split('.');
  if (!ascii || ascii.length > 253 || labels.length < 2 || !labels.every((l) => label.test(l))) {
    throw new CoreError('VALIDATION_FAILED', { field }, `'${raw}' is not a valid domain name.`);
  }
  return ascii;
};

/** The registrable domain (public-suffix aware), or VALIDATION_FAILED for a public suffix itself. */
export const registrableDomain = (name: string, field = 'domainName'): string => {
  const base = getDomain(name, { allowPrivateDomains: false });
  if (!base) throw new CoreError('VALIDATION_FAILED', { field }, `'${name}' has no registrable domain.`);
  return base;
};

/** Authorization Domain Names (CA/B BR): the name and each parent down to the registrable domain. */
export const authorizationDomainNames = (name: string, field = 'domainName'): string[] => {
  const base = registrableDomain(name, field);
  const names: string[] = [];
  for (let n = name; ; n = n.slice(n.indexOf('.') + 1)) {
    names.push(n);
    if (n === base || !n.includes('.')) break;
  }
  return names;
};
