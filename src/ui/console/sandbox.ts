import type { FastifyInstance } from 'fastify';
import type { FaultRegistry, FaultSpec, FaultTarget } from '../../core/faults/registry.js';
import { faultTargets } from '../../core/faults/registry.js';
import { html, joinHtml } from '../page.js';
import { csrfField, postButton, table } from './layout.js';
import { csrfToken, render, sessionOf } from './plugin.js';
import { when } from './words.js';

const effectKinds = ['error', 'latency', 'drop', 'defer', 'fail', 'bounce'] as const;

const describe = (f: ReturnType<FaultRegistry['list']>[number]) =>
  f.effect.kind === 'error' ? `error ${f.effect.code}` : f.effect.kind === 'latency' ? `latency ${f.effect.ms} ms` : f.effect.kind;

interface FaultForm {
  target?: string;
  endpoint?: string;
  kind?: string;
  code?: string;
  ms?: string;
  count?: string;
  share?: string;
}

/** The form's fields as a fault; what is malformed is left to the core to refuse, naming the field. */
const specOf = (b: FaultForm): FaultSpec => {
  const kind = (effectKinds as readonly string[]).includes(b.kind ?? '') ? (b.kind as (typeof effectKinds)[number]) : 'error';
  const effect: FaultSpec['effect'] =
    kind === 'error' ? { kind, code: b.code ?? '' } : kind === 'latency' ? { kind, ms: Number(b.ms ?? 0) } : { kind };
  return {
    target: (b.target ?? '') as FaultTarget,
    effect,
    ...(b.endpoint ? { endpoint: b.endpoint } : {}),
    ...(b.count ? { count: Number(b.count) } : {}),
    ...(b.share ? { share: Number(b.share) } : {}),
  };
};

/** Sandbox only, operator only: the faults in force, a form to add one, and buttons to clear them. */
export const sandboxRoutes = (faults: Pick<FaultRegistry, 'add' | 'list' | 'clear'>) => async (app: FastifyInstance) => {
  app.get<{ Querystring: { notice?: string } }>('/sandbox', async (req, reply) => {
    const actor = sessionOf(req).principal;
    const csrf = csrfToken(req, reply);
    const rows = faults.list(actor).map(
      (f) => html`<tr><td>${f.target}</td><td>${f.endpoint ?? 'every endpoint'}</td><td>${describe(f)}</td>
<td>${f.remaining === null ? 'until cleared' : String(f.remaining)}</td><td>${f.share === undefined ? '100 %' : `${Math.round(f.share * 100)} %`}</td>
<td>${String(f.hits)}</td><td>${when(f.createdAt)}</td><td>${postButton(`/console/sandbox/faults/${f.id}/clear`, 'Clear', csrf, { name: `Clear the ${f.target} fault` })}</td></tr>`,
    );
    const options = (values: readonly string[]) =>
      joinHtml(
        values.map((v) => html`<option value="${v}">${v}</option>`),
        '',
      );
    const body = html`<p>Make the next calls of a vendor API fail the way the vendor does, slow down, or drop; or make mail defer, fail or bounce.</p>
${table('Faults in force', ['Target', 'Endpoint', 'Effect', 'Calls left', 'Share', 'Hits', 'Added', 'Action'], rows, 'No fault is in force.')}
${rows.length ? postButton('/console/sandbox/faults/clear', 'Clear every fault', csrf) : html``}
<h2>Add a fault</h2>
<form method="post" action="/console/sandbox/faults" class="stack">${csrfField(csrf)}
<label for="f-target">Target</label><select id="f-target" name="target">${options(faultTargets)}</select>
<label for="f-endpoint">Endpoint (optional)</label><input id="f-endpoint" name="endpoint" placeholder="!ResendDCVEmail, resend-emails, ResendEmailVerification">
<label for="f-kind">Effect</label><select id="f-kind" name="kind">${options(effectKinds)}</select>
<label for="f-code">Vendor error code (for an error)</label><input id="f-code" name="code" placeholder="-16, request_limit_exceeded, Throttling.User, 500">
<label for="f-ms">Latency in ms (for latency)</label><input id="f-ms" name="ms" inputmode="numeric">
<label for="f-count">For the next N calls</label><input id="f-count" name="count" inputmode="numeric" value="1">
<label for="f-share">Share of calls, 0 to 1 (optional)</label><input id="f-share" name="share" inputmode="decimal">
<button type="submit">Add fault</button></form>`;
    return render(req, reply, {
      title: 'Sandbox',
      section: 'sandbox',
      body,
      notice:
        req.query.notice === 'added' ? { text: 'The fault is in force.' } : req.query.notice === 'cleared' ? { text: 'Cleared.' } : null,
    });
  });

  app.post<{ Body: FaultForm }>('/sandbox/faults', async (req, reply) => {
    faults.add(sessionOf(req).principal, specOf(req.body ?? {}));
    return reply.redirect('/console/sandbox?notice=added', 303);
  });
  app.post('/sandbox/faults/clear', async (req, reply) => {
    faults.clear(sessionOf(req).principal);
    return reply.redirect('/console/sandbox?notice=cleared', 303);
  });
  app.post<{ Params: { id: string } }>('/sandbox/faults/:id/clear', async (req, reply) => {
    faults.clear(sessionOf(req).principal, req.params.id);
    return reply.redirect('/console/sandbox?notice=cleared', 303);
  });
};
