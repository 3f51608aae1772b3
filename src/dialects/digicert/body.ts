import type { DcvTarget } from '../../core/dcv/service.js';
import { type DigicertCode, DigicertError, digicertLocales } from './errors.js';

export interface ResendRequest {
  /** The entries that could be read; those with problems are left out. */
  targets: DcvTarget[];
  locale?: string;
  /** What is wrong with the body itself, in input order (entries, then locale). */
  problems: DigicertCode[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the resend-emails body, collecting every problem: a shape that is not DigiCert's is
 * `bad_request_format`; an entry without a usable domain is `invalid_domain`, without a usable email
 * `invalid_dcv_email`; an unknown locale `invalid_locale`. Unknown fields are ignored, as DigiCert does.
 * Only a body that is not an object at all is refused at once.
 */
export const readResendBody = (body: unknown): ResendRequest => {
  if (body === undefined || body === null || body === '') return { targets: [], problems: [] };
  if (!isObject(body)) throw new DigicertError(['bad_request_format']);
  const problems = new Set<DigicertCode>();
  const targets: DcvTarget[] = [];
  const list = body.domain_approval_emails;
  if (list !== undefined && list !== null && !Array.isArray(list)) problems.add('bad_request_format');
  for (const entry of Array.isArray(list) ? list : []) {
    if (!isObject(entry)) {
      problems.add('bad_request_format');
      continue;
    }
    const { domain, email, email_domain } = entry;
    if (typeof domain !== 'string' || domain.length === 0 || domain.length > 255) problems.add('invalid_domain');
    if (typeof email !== 'string' || email.length === 0 || email.length > 255) problems.add('invalid_dcv_email');
    if (email_domain !== undefined && (typeof email_domain !== 'string' || email_domain.length > 255)) problems.add('invalid_dcv_email');
    if (typeof domain === 'string' && typeof email === 'string') {
      targets.push({ email, names: [domain], adn: typeof email_domain === 'string' ? email_domain : undefined });
    }
  }
  const locale = body.locale;
  if (locale !== undefined && (typeof locale !== 'string' || !(digicertLocales as readonly string[]).includes(locale)))
    problems.add('invalid_locale');
  return { targets, locale: typeof locale === 'string' ? locale : undefined, problems: [...problems] };
};

/** `PUT /domain/{domain}/dcv/emails`: `{name_scope?, locale?, email_array?}`. */
export const readDomainEmailsBody = (body: unknown): { nameScope?: string; locale?: string; emails?: string[] } => {
  if (body === undefined || body === null || body === '') return {};
  if (!isObject(body)) throw new DigicertError(['bad_request_format']);
  const problems = new Set<DigicertCode>();
  const { name_scope, locale, email_array } = body;
  if (name_scope !== undefined && (typeof name_scope !== 'string' || name_scope.length > 255)) problems.add('bad_request_format');
  if (email_array !== undefined && (!Array.isArray(email_array) || !email_array.every((e) => typeof e === 'string' && e.length <= 255)))
    problems.add('bad_request_format');
  if (locale !== undefined && (typeof locale !== 'string' || !(digicertLocales as readonly string[]).includes(locale)))
    problems.add('invalid_locale');
  if (problems.size > 0) throw new DigicertError([...problems]);
  return { nameScope: name_scope as string | undefined, locale: locale as string | undefined, emails: email_array as string[] | undefined };
};
