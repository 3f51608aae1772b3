import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: `Zertifikat für ${v.domains ?? 'Ihre Domain'} genehmigen`,
  intro: [`Genehmigen Sie den Zertifikatsantrag${v.orderNumber ? ` ${v.orderNumber}` : ''} für ${v.domains ?? ''}.`],
  action: 'Genehmigen',
  outro: [`Gültig bis ${date(v.expiresAt)}. Nicht erwartet? Ignorieren Sie diese E-Mail.`],
});
