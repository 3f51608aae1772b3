import type { Purpose } from '../../core/model.js';
import { template as activationDe } from './account_activation/de.js';
import { template as activationEn } from './account_activation/en.js';
import { template as dcvDe } from './dcv/de.js';
import { template as dcvEn } from './dcv/en.js';
import { template as dcvEs } from './dcv/es.js';
import { template as dcvFr } from './dcv/fr.js';
import { template as dcvJa } from './dcv/ja.js';
import { template as dcvZhCn } from './dcv/zh_CN.js';
import { template as dcvCompactDe } from './dcv-compact/de.js';
import { template as dcvCompactEn } from './dcv-compact/en.js';
import { template as ownershipDe } from './email_ownership/de.js';
import { template as ownershipEn } from './email_ownership/en.js';
import { template as smimeDe } from './smime_mailbox/de.js';
import { template as smimeEn } from './smime_mailbox/en.js';
import type { Template } from './template.js';

/** Installed templates by purpose and locale; `en` is every purpose's fallback. */
export const templates: Record<Purpose, Record<string, Template>> = {
  dcv: { en: dcvEn, de: dcvDe, fr: dcvFr, es: dcvEs, ja: dcvJa, zh_CN: dcvZhCn },
  smime_mailbox: { en: smimeEn, de: smimeDe },
  email_ownership: { en: ownershipEn, de: ownershipDe },
  account_activation: { en: activationEn, de: activationDe },
};

/** Chosen templates by id (1 is each purpose's standard one, above). */
export const variants: Partial<Record<Purpose, Record<string, Record<string, Template>>>> = {
  dcv: { '2': { en: dcvCompactEn, de: dcvCompactDe } },
};

/** The template for a locale: exact (`zh_CN`), then its language (`zh`), then `en`. */
export const resolveTemplate = (purpose: Purpose, locale: string, variant?: string): { template: Template; locale: string } => {
  const byLocale = (variant && variants[purpose]?.[variant]) || templates[purpose];
  const language = locale.split(/[_-]/)[0]?.toLowerCase() ?? 'en';
  for (const candidate of [locale, language]) {
    const t = byLocale[candidate];
    if (t) return { template: t, locale: candidate };
  }
  return { template: byLocale.en as Template, locale: 'en' };
};
