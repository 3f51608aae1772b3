import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: 'Verify your email address',
  intro: [`Please confirm that ${v.recipient} is your email address.`, 'If you did not ask for this, ignore this email.'],
  action: 'Verify this address',
  outro: [`This link expires on ${date(v.expiresAt)}.`],
});
