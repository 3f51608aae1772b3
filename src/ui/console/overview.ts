import type { FastifyInstance } from 'fastify';
import { messageStatuses } from '../../core/model.js';
import { html, joinHtml } from '../page.js';
import { barChart } from './charts.js';
import { type ConsoleDeps, render, sessionOf } from './plugin.js';
import { shortDuration } from './words.js';

const hourLabel = (t: number) => `${String(new Date(t).getUTCHours()).padStart(2, '0')}:00`;

/** The last day at a glance: sends, confirmations and refusals per hour, delivery latency, the queue. */
export const overviewRoutes = (deps: ConsoleDeps) => async (app: FastifyInstance) => {
  app.get('/overview', async (req, reply) => {
    const actor = sessionOf(req).principal;
    const a = await deps.activity.lastDay(actor);
    const labels = a.hours.map(hourLabel);
    const latencyLabels = a.latency.boundsMs.map((b) => `<${shortDuration(b)}`);
    latencyLabels.push(`≥${shortDuration(a.latency.boundsMs[a.latency.boundsMs.length - 1] ?? 0)}`);
    const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    const body = html`<p>The last 24 hours, per hour (UTC)${actor.kind === 'account' ? ', for your account' : ', for every account'}.</p>
<ul class="counts">
<li>Sends<strong>${String(sum(a.sends))}</strong></li>
<li>Confirmations<strong>${String(sum(a.confirmations))}</strong></li>
<li>Refusals<strong>${String(sum(a.refusals))}</strong></li>
${joinHtml(
  messageStatuses
    .filter((s) => s === 'queued' || s === 'deferred' || s === 'failed')
    .map((s) => html`<li><a href="/console/messages?status=${s}">${s} now</a><strong>${String(a.queue[s])}</strong></li>`),
)}
</ul>
<div class="charts">
${barChart({ id: 'sends', title: 'Emails queued per hour', labels, values: a.sends, every: 4 })}
${barChart({ id: 'confirmations', title: 'Confirmations per hour', labels, values: a.confirmations, tone: 'good', every: 4 })}
${barChart({ id: 'refusals', title: 'Sends refused by a quota per hour', labels, values: a.refusals, tone: 'bad', every: 4 })}
${barChart({ id: 'latency', title: 'Delivery latency (queued to sent), last 24 hours', labels: latencyLabels, values: a.latency.counts, every: 1 })}
</div>`;
    return render(req, reply, { title: 'Overview', section: 'overview', body });
  });
};
