import { randomUUID } from 'node:crypto';
import type { FrameworkProblem, FrameworkRenderer } from '../framework-problem.js';
import { AlibabaError } from './errors.js';
import { renderBody } from './render.js';

const codes: Record<FrameworkProblem['kind'], ConstructorParameters<typeof AlibabaError>[0]> = {
  bad_url: 'InvalidApi.NotFound',
  url_too_long: 'InvalidApi.NotFound',
  not_found: 'InvalidApi.NotFound',
  bad_request: 'InvalidParameter.Format',
  timeout: 'InvalidParameter.Format',
  headers_too_large: 'InvalidParameter.Format',
  unavailable: 'ServiceUnavailable',
  internal: 'InternalError',
};

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

/** Whatever the framework refused on `/` (a method other than GET or POST...), in the Error envelope. */
export const alibabaFrameworkError: FrameworkRenderer = (p) => {
  const e = new AlibabaError(codes[p.kind]);
  let query = new URLSearchParams();
  try {
    query = new URL(p.url, 'http://rpc').searchParams;
  } catch {}
  const acs3 = /^\s*ACS3-/.test(first(p.headers.authorization));
  const format = (query.get('Format') ?? (acs3 ? 'JSON' : 'XML')).toUpperCase() === 'JSON' ? 'JSON' : 'XML';
  const lang = query.get('Lang') === 'zh' ? 'zh' : 'en';
  const out = renderBody(format, 'Error', {
    RequestId: randomUUID().toUpperCase(),
    HostId: first(p.headers.host).replace(/:\d+$/, ''),
    Code: e.code,
    Message: e.text(lang),
  });
  return { status: e.status(), headers: { 'content-type': out.contentType }, body: out.text };
};
