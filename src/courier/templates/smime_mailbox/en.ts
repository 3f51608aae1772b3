import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: 'Confirm your email address for your S/MIME certificate',
  intro: [
    `An S/MIME certificate${v.orderNumber ? ` (order ${v.orderNumber})` : ''} includes the address ${v.recipient}.`,
    'Confirm that this mailbox is yours to continue. If you did not expect this, ignore this email.',
  ],
  action: 'Confirm this address',
  outro: [`This link expires on ${date(v.expiresAt)}.`],
});
