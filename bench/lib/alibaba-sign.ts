import { createHash, randomUUID } from 'node:crypto';
import openapiUtil from '@alicloud/openapi-util';
import { signRpc } from '../../src/dialects/alibaba/signature.js';
import type { BenchRequest } from './load.js';

export interface AccessKey {
  id: string;
  secret: string;
}

const ACTION = 'ResendEmailVerification';
const VERSION = '2018-01-29';
const timestamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Signature v1 (HMAC-SHA1 over the sorted query), as @alicloud/pop-core sends it: a signed GET, fresh nonce. */
export const signedV1 = (key: AccessKey, email: string): BenchRequest => {
  const params: Record<string, string> = {
    Action: ACTION,
    Email: email,
    Format: 'JSON',
    Version: VERSION,
    AccessKeyId: key.id,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomUUID(),
    Timestamp: timestamp(),
  };
  params.Signature = signRpc('GET', params, key.secret);
  return { method: 'GET', path: `/?${new URLSearchParams(params)}` };
};

type TeaRequest = Parameters<typeof openapiUtil.default.getAuthorization>[0];

/**
 * ACS3-HMAC-SHA256, as @alicloud/openapi-client's callApi sends an RPC action (the generated Domain
 * SDK: POST /, parameters in the query, empty body): the canonical request and the Authorization
 * header come from @alicloud/openapi-util's getAuthorization, the very code the client signs with.
 * `host` must be what the load generator sends.
 */
export const signedAcs3 = (key: AccessKey, email: string, host: string): BenchRequest => {
  const query = { Email: email };
  const headers: Record<string, string> = {
    host,
    'x-acs-version': VERSION,
    'x-acs-action': ACTION,
    'x-acs-date': timestamp(),
    'x-acs-signature-nonce': randomUUID(),
    accept: 'application/json',
    'x-acs-content-sha256': createHash('sha256').update('').digest('hex'),
  };
  const request = { method: 'POST', pathname: '/', query, headers } as unknown as TeaRequest;
  headers.authorization = openapiUtil.default.getAuthorization(
    request,
    'ACS3-HMAC-SHA256',
    headers['x-acs-content-sha256'] ?? '',
    key.id,
    key.secret,
  );
  return { method: 'POST', path: `/?${new URLSearchParams(query)}`, headers };
};
