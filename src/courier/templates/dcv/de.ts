import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: `Domainvalidierung für ${v.domains ?? 'Ihre Zertifikatsbestellung'}`,
  intro: [
    `Für folgende Namen wurde ein Zertifikat beantragt${v.orderNumber ? ` (Bestellung ${v.orderNumber})` : ''}: ${v.domains ?? ''}.`,
    'Bitte bestätigen Sie, dass Sie diese Namen kontrollieren. Falls Sie diese Anfrage nicht erwartet haben, ignorieren Sie diese E-Mail.',
  ],
  action: 'Antrag genehmigen',
  outro: [`Dieser Link ist gültig bis ${date(v.expiresAt)}.`],
});
