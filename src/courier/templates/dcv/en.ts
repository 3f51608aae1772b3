import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: `Domain control validation for ${v.domains ?? 'your certificate order'}`,
  intro: [
    `A certificate${v.orderNumber ? ` (order ${v.orderNumber})` : ''} has been requested for: ${v.domains ?? ''}.`,
    'To approve it, confirm that you control these names. If you did not expect this request, ignore this email.',
  ],
  action: 'Approve the request',
  outro: [`This link expires on ${date(v.expiresAt)}.`],
});
