import type { DcvAddressList } from '../../core/dcv/service.js';
import { fixedItems, type SectigoError } from './errors.js';

export interface Rendered {
  contentType: string;
  body: string;
}

/** `!ResendDCVEmail`: an x-www-form-urlencoded body; a fixed errorItem goes unencoded, byte for byte as Sectigo's sample. */
export const formResponse = (error?: SectigoError): Rendered => {
  const fields = new URLSearchParams({ errorCode: error ? error.code : '0' });
  const fixed = error ? fixedItems[error.code] : undefined;
  if (error) {
    fields.set('errorMessage', error.message);
    if (error.errorItem && !fixed) fields.set('errorItem', error.errorItem);
  }
  return {
    contentType: 'application/x-www-form-urlencoded; charset=UTF-8',
    body: fixed ? `${fields.toString()}&errorItem=${fixed}` : fields.toString(),
  };
};

/** `!ResendVerificationEmailSMIME` and text address lists: the code on line 1, the message on line 2. */
export const textResponse = (error?: SectigoError, lines: string[] = []): Rendered => ({
  contentType: 'text/plain; charset=UTF-8',
  body: error ? `${error.code}\n${error.message}` : ['0', ...lines].join('\n'),
});

export const addressListText = (list: DcvAddressList): Rendered =>
  textResponse(undefined, [
    `domain_name\t${list.domain}`,
    // WHOIS-based DCV is retired, but clients read this key unguarded (checkdomain/comodo Util.php).
    'whois_email\tnone',
    ...list.level2.map((e) => `level2_email\t${e}`),
    ...list.level3.map((e) => `level3_email\t${e}`),
  ]);

export const addressListJson = (list: DcvAddressList): Rendered => ({
  contentType: 'application/json; charset=UTF-8',
  body: JSON.stringify({
    errorCode: 0,
    domainName: list.domain,
    level2Emails: list.level2,
    level3Emails: list.level3,
    dnsTxtEmails: list.dnsTxt,
    caaEmails: list.caa,
  }),
});

export const jsonError = (error: SectigoError): Rendered => ({
  contentType: 'application/json; charset=UTF-8',
  body: JSON.stringify({
    errorCode: Number(error.code),
    errorMessage: error.message,
    ...(error.errorItem ? { errorItem: error.errorItem } : {}),
  }),
});
