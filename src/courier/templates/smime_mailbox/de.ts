import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: 'Bestätigen Sie Ihre E-Mail-Adresse für Ihr S/MIME-Zertifikat',
  intro: [
    `Ein S/MIME-Zertifikat${v.orderNumber ? ` (Bestellung ${v.orderNumber})` : ''} enthält die Adresse ${v.recipient}.`,
    'Bitte bestätigen Sie, dass dieses Postfach Ihnen gehört. Falls Sie das nicht erwartet haben, ignorieren Sie diese E-Mail.',
  ],
  action: 'Adresse bestätigen',
  outro: [`Dieser Link ist gültig bis ${date(v.expiresAt)}.`],
});
