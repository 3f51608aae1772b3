import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: `Approve the certificate for ${v.domains ?? 'your domain'}`,
  intro: [`Approve the certificate request${v.orderNumber ? ` ${v.orderNumber}` : ''} for ${v.domains ?? ''}.`],
  action: 'Approve',
  outro: [`Valid until ${date(v.expiresAt)}. Not expecting this? Ignore it.`],
});
