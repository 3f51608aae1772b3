import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: `Validation du contrôle de domaine pour ${v.domains ?? 'votre commande de certificat'}`,
  intro: [
    `Un certificat a été demandé${v.orderNumber ? ` (commande ${v.orderNumber})` : ''} pour : ${v.domains ?? ''}.`,
    "Pour l'approuver, confirmez que vous contrôlez ces noms. Si vous n'attendiez pas cette demande, ignorez cet e-mail.",
  ],
  action: 'Approuver la demande',
  outro: [`Ce lien expire le ${date(v.expiresAt)}.`],
});
