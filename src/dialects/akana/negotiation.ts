/** Accept types Akana's user API answers with; a missing Accept means any. */
const acceptable = new Set([
  '*/*',
  'application/*',
  'application/json',
  'application/vnd.soa.v71+json',
  'application/vnd.soa.v72+json',
  'application/vnd.soa.v80+json',
  'application/vnd.soa.v81+json',
]);

const mediaTypes = (header: string): string[] =>
  header
    .split(',')
    .map((part) => part.split(';')[0]?.trim().toLowerCase() ?? '')
    .filter(Boolean);

export const acceptsOurs = (accept: string | undefined): boolean =>
  accept === undefined || accept.trim() === '' || mediaTypes(accept).some((t) => acceptable.has(t));

export type BodyKind = 'form' | 'json';

/** The body kind a Content-Type names, if it is one the endpoint takes. */
export const bodyKind = (contentType: string | undefined, allowed: BodyKind[]): BodyKind | null => {
  const type = mediaTypes(contentType ?? '')[0];
  if (type === 'application/x-www-form-urlencoded' && allowed.includes('form')) return 'form';
  if (type !== undefined && (type === 'application/json' || /^application\/vnd\.soa\.v\d+\+json$/.test(type)) && allowed.includes('json'))
    return 'json';
  return null;
};
