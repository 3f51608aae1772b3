import { randomUUID } from 'node:crypto';
import { signRpc } from '../dialects/alibaba/signature.js';

export interface SignedUrlInput {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** The action's parameters (`Action`, `Email`, ...); `Version` defaults to the Domain API's. */
  params: Record<string, string>;
  now?: Date;
  nonce?: string;
}

/**
 * A GET URL carrying Alibaba Cloud's common parameters, signed with signature v1 as pop-core signs:
 * what the sandbox's Alibaba sample is sent with. Each URL works once (its nonce) within 15 minutes.
 */
export const signedRpcUrl = (input: SignedUrlInput): string => {
  const params: Record<string, string> = {
    Version: '2018-01-29',
    ...input.params,
    AccessKeyId: input.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: input.nonce ?? randomUUID(),
    Timestamp: (input.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  params.Signature = signRpc('GET', params, input.accessKeySecret);
  const url = new URL('/', input.endpoint);
  url.search = new URLSearchParams(params).toString();
  return url.toString();
};

/** `NAME=VALUE` arguments as parameters; the first `=` splits. */
export const parseAssignments = (args: string[]): Record<string, string> =>
  Object.fromEntries(
    args.map((a) => {
      const at = a.indexOf('=');
      if (at < 1) throw new Error(`REVERIFY_ALIBABA_URL: '${a}' is not NAME=VALUE`);
      return [a.slice(0, at), a.slice(at + 1)];
    }),
  );
