import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: 'Bestätigen Sie Ihre E-Mail-Adresse',
  intro: [
    `Bitte bestätigen Sie, dass ${v.recipient} Ihre E-Mail-Adresse ist.`,
    'Falls Sie das nicht angefordert haben, ignorieren Sie diese E-Mail.',
  ],
  action: 'Adresse bestätigen',
  outro: [`Dieser Link ist gültig bis ${date(v.expiresAt)}.`],
});
