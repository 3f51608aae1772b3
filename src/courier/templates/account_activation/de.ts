import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: 'Aktivieren Sie Ihr Konto',
  intro: [
    `${v.firstName ? `Hallo ${v.firstName}, danke` : 'Danke'} für Ihre Registrierung.`,
    'Bestätigen Sie Ihre E-Mail-Adresse, um Ihr Konto zu aktivieren.',
  ],
  action: 'Konto aktivieren',
  outro: [`Dieser Link ist gültig bis ${date(v.expiresAt)}.`, 'Falls Sie sich nicht registriert haben, ignorieren Sie diese E-Mail.'],
});
