import { AlibabaError } from './errors.js';
import type { Format } from './render.js';

/** What the plugin hands over of an HTTP request: nothing Fastify-specific. */
export interface RawRpcRequest {
  method: string;
  /** The request target as sent: path and query. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * One RPC call, whichever way it was signed: signature v1 (parameters `Action`, `Version`,
 * `Signature`..., what pop-core and the classic SDKs send) or V3 (`Authorization: ACS3-...`, the
 * action and version in `x-acs-action` and `x-acs-version`, what the Tea/Darabonba SDKs send).
 */
export interface RpcCall {
  style: 'v1' | 'acs3';
  request: RawRpcRequest;
  /** Query parameters, then form body parameters, decoded. */
  params: Record<string, string>;
  query: [string, string][];
  action: string | undefined;
  version: string | undefined;
  format: Format;
}

const header = (req: RawRpcRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

const isAcs3 = (req: RawRpcRequest) => /^\s*ACS3-/.test(header(req, 'authorization') ?? '');

/** Parameters of the query and (POST) the form body; a name given twice is refused. */
const readParams = (req: RawRpcRequest): { params: Record<string, string>; query: [string, string][] } => {
  const query = [...new URL(req.url, 'http://rpc').searchParams];
  const form = req.method === 'POST' && req.body.length > 0 ? [...new URLSearchParams(req.body.toString('utf8'))] : [];
  const params: Record<string, string> = {};
  for (const [k, v] of [...query, ...form]) {
    if (Object.hasOwn(params, k)) throw new AlibabaError('InvalidParameter.Format');
    params[k] = v;
  }
  return { params, query };
};

/**
 * Reads the call. The answer's format is `Format` when given (XML or JSON, any case); otherwise XML
 * for v1, and JSON for V3, which carries no `Format` (as Alibaba's gateway answers the SDKs).
 */
export const readCall = (request: RawRpcRequest): RpcCall => {
  const style = isAcs3(request) ? 'acs3' : 'v1';
  const { params, query } = readParams(request);
  let format: Format = style === 'acs3' ? 'JSON' : 'XML';
  if (params.Format !== undefined) {
    const f = params.Format.toUpperCase();
    if (f !== 'XML' && f !== 'JSON') throw new AlibabaError('InvalidParameter.Format');
    format = f;
  }
  return {
    style,
    request,
    params,
    query,
    action: style === 'acs3' ? header(request, 'x-acs-action') : params.Action,
    version: style === 'acs3' ? header(request, 'x-acs-version') : params.Version,
    format,
  };
};

/** The format an error about the call itself is written in, before the call could be read. */
export const fallbackFormat = (request: RawRpcRequest): Format => (isAcs3(request) ? 'JSON' : 'XML');
