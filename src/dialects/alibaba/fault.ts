import { randomUUID } from 'node:crypto';
import type { FaultAnswers } from '../fault-answer.js';
import { type AlibabaCode, AlibabaError, alibabaErrors } from './errors.js';
import { renderBody } from './render.js';

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

/** Any whole-request Alibaba error (Throttling.User, InternalError...), in the Error envelope and the request's format. */
export const alibabaFaults: FaultAnswers = {
  codes: Object.keys(alibabaErrors),
  render: (code, req) => {
    const e = new AlibabaError(code as AlibabaCode);
    let query = new URLSearchParams(req.body ?? '');
    try {
      for (const [k, v] of new URL(req.url, 'http://rpc').searchParams) query.set(k, v);
    } catch {
      query = new URLSearchParams(req.body ?? '');
    }
    const acs3 = /^\s*ACS3-/.test(first(req.headers.authorization));
    const format = (query.get('Format') ?? (acs3 ? 'JSON' : 'XML')).toUpperCase() === 'JSON' ? 'JSON' : 'XML';
    const lang = query.get('Lang') === 'zh' ? 'zh' : 'en';
    const out = renderBody(format, 'Error', {
      RequestId: randomUUID().toUpperCase(),
      HostId: first(req.headers.host).replace(/:\d+$/, ''),
      Code: e.code,
      Message: e.text(lang),
    });
    return { status: e.status(), headers: { 'content-type': out.contentType }, body: out.text };
  },
};
