import type { FastifyInstance } from 'fastify';
import { may } from '../../core/access/permissions.js';
import { CoreError } from '../../core/errors.js';
import { html } from '../page.js';
import { accountPage } from './accounts.js';
import { postButton } from './layout.js';
import { type ConsoleDeps, csrfToken, render, sessionOf } from './plugin.js';
import { deliveriesTable } from './webhook-views.js';
import { when } from './words.js';

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string').slice(0, 20);

/** An account's webhook endpoints: register (the secret shown once), delete, and every delivery to one. */
export const webhookRoutes = (deps: ConsoleDeps) => async (app: FastifyInstance) => {
  app.post<{ Params: { ref: string }; Body: { url?: unknown; events?: unknown } }>('/accounts/:ref/webhooks', async (req, reply) => {
    const actor = sessionOf(req).principal;
    const values = { url: typeof req.body?.url === 'string' ? req.body.url.trim() : '', events: strings(req.body?.events) };
    const account = await deps.accounts.get(actor, req.params.ref);
    try {
      const { endpoint, secret } = await deps.webhooks.create(actor, { account: account.id, ...values });
      return accountPage(deps, req, reply, {
        secret: {
          title: `New webhook endpoint ${endpoint.id}`,
          about: 'its sealed form',
          lines: [
            ['URL', endpoint.url],
            ['Signing secret', secret],
          ],
        },
        status: 201,
      });
    } catch (e) {
      // A refusal the person can fix: the form comes back as it was filled in, with the reason.
      if (!(e instanceof CoreError) || e.code !== 'VALIDATION_FAILED') throw e;
      return accountPage(deps, req, reply, {
        notice: { text: `Not registered: ${e.message}`, bad: true },
        webhookForm: values,
        status: 400,
      });
    }
  });

  app.post<{ Params: { ref: string; id: string } }>('/accounts/:ref/webhooks/:id/delete', async (req, reply) => {
    const actor = sessionOf(req).principal;
    const account = await deps.accounts.get(actor, req.params.ref);
    const endpoint = await deps.webhooks.get(actor, req.params.id);
    if (endpoint.accountId !== account.id) throw new CoreError('WEBHOOK_NOT_FOUND');
    await deps.webhooks.delete(actor, endpoint.id);
    return reply.redirect(`/console/accounts/${account.id}?notice=webhook-deleted`, 303);
  });

  app.get<{ Params: { ref: string; id: string }; Querystring: { cursor?: string } }>('/accounts/:ref/webhooks/:id', async (req, reply) => {
    const actor = sessionOf(req).principal;
    const account = await deps.accounts.get(actor, req.params.ref);
    const endpoint = await deps.webhooks.get(actor, req.params.id);
    if (endpoint.accountId !== account.id) throw new CoreError('WEBHOOK_NOT_FOUND');
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor.length <= 200 ? req.query.cursor : undefined;
    const deliveries = await deps.webhooks.deliveries(actor, endpoint.id, { cursor, limit: 50 });
    const base = `/console/accounts/${account.id}/webhooks/${endpoint.id}`;
    const next = deliveries.nextCursor
      ? html`<p class="pager"><a href="${base}?${new URLSearchParams({ cursor: deliveries.nextCursor }).toString()}">Older deliveries</a></p>`
      : html``;
    const body = html`<dl class="facts"><dt>URL</dt><dd class="mono">${endpoint.url}</dd><dt>Account</dt><dd><a href="/console/accounts/${account.id}">${account.name}</a></dd>
<dt>Events</dt><dd>${endpoint.events.join(', ')}</dd><dt>Created</dt><dd>${when(endpoint.createdAt)}</dd><dt>Id</dt><dd class="mono">${endpoint.id}</dd></dl>
${may(actor, 'manage_subjects') ? html`<p>${postButton(`${base}/delete`, 'Delete', csrfToken(req, reply), { className: 'danger', name: `Delete the endpoint ${endpoint.url}` })}</p>` : html``}
<h2>Deliveries, newest first</h2>
<p class="muted">Each event's link opens its attempt log: every try, with the status and the start of the body the endpoint answered.</p>
${deliveriesTable(deliveries.items, 'Nothing delivered yet.')}${next}
<p><a href="/console/accounts/${account.id}#webhooks">Back to the account</a></p>`;
    return render(req, reply, { title: 'Webhook endpoint', section: 'accounts', body });
  });
};
