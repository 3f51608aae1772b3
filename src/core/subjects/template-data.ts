import { nameForMail } from '../display-name.js';
import type { Subject } from './model.js';

/** What templates may say about the subject besides the link: never a secret. */
export const templateData = (subject: Subject | null, scope: string[]): Record<string, string> => {
  const data: Record<string, string> = {};
  if (subject?.number) data.orderNumber = subject.number;
  if (subject?.kind === 'ssl_order') data.domains = scope.join(', ');
  const firstName = nameForMail(subject?.attributes.firstName);
  if (firstName) data.firstName = firstName;
  return data;
};
