import { createHmac } from 'node:crypto';

/** RFC 3986 percent-encoding as Alibaba's signature v1 wants it: only A-Z a-z 0-9 - _ . ~ stay. */
export const percentEncode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The string to sign: METHOD & enc("/") & enc(sorted k=v pairs, Signature excluded). */
export const stringToSign = (method: string, params: Record<string, string>): string => {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k] ?? '')}`)
    .join('&');
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonical)}`;
};

/** Signature v1: base64(HMAC-SHA1(secret + "&", StringToSign)). */
export const signRpc = (method: string, params: Record<string, string>, secret: string): string =>
  createHmac('sha1', `${secret}&`).update(stringToSign(method, params), 'utf8').digest('base64');
