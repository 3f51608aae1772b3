import type { Template } from '../template.js';

export const template: Template = (v, date) => ({
  subject: 'Activate your account',
  intro: [
    `${v.firstName ? `Hello ${v.firstName}, thank` : 'Thank'} you for signing up.`,
    'Confirm your email address to activate your account.',
  ],
  action: 'Activate my account',
  outro: [`This link expires on ${date(v.expiresAt)}.`, 'If you did not sign up, ignore this email.'],
});
