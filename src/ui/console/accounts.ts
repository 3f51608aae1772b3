import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../core/access/permissions.js';
import { apiKeyRoles, may } from '../../core/access/permissions.js';
import { CoreError } from '../../core/errors.js';
import { html, type SafeHtml } from '../page.js';
import { csrfField, options, postButton, table } from './layout.js';
import { type ConsoleDeps, csrfToken, render, sessionOf } from './plugin.js';
import { type WebhookFormValues, webhookSection } from './webhook-views.js';
import { roleNames, when } from './words.js';

const notices: Record<string, string> = {
  created: 'The account is created.',
  revoked: 'The key is revoked: it no longer works anywhere.',
  'webhook-deleted': 'The endpoint is deleted: nothing more is sent to it.',
};

/** Accounts (operator) and their API keys and access keys (operator, or an account key allowed to manage keys). */
export const accountRoutes = (deps: ConsoleDeps) => async (app: FastifyInstance) => {
  app.get<{ Querystring: { notice?: string } }>('/accounts', async (req, reply) => {
    const actor = sessionOf(req).principal;
    if (actor.kind === 'account') return reply.redirect(`/console/accounts/${actor.accountId}`, 303);
    const page = await deps.accounts.list(actor, undefined, 200);
    const csrf = csrfToken(req, reply);
    const rows = page.items.map(
      (a) =>
        html`<tr><td><a href="/console/accounts/${a.id}">${a.name}</a></td><td>${a.loginName ?? ''}</td><td>${when(a.createdAt)}</td><td class="mono">${a.id}</td></tr>`,
    );
    const body = html`<h2>Create an account</h2>
<form class="stack" method="post" action="/console/accounts">${csrfField(csrf)}
<div><label for="a-name">Name</label><input id="a-name" name="name" required maxlength="64" pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}" aria-describedby="a-name-help">
<p id="a-name-help" class="muted">Letters, digits, dots, dashes or underscores.</p></div>
<div><button type="submit">Create account</button></div></form>
<h2>Accounts</h2>
${table('Accounts', ['Name', 'Login', 'Created', 'Id'], rows, 'No account yet.')}`;
    return render(req, reply, { title: 'Accounts', section: 'accounts', body, notice: noticeOf(req.query.notice) });
  });

  app.post<{ Body: { name?: unknown } }>('/accounts', async (req, reply) => {
    const name = typeof req.body?.name === 'string' ? req.body.name.trim() : '';
    const account = await deps.accounts.create(sessionOf(req).principal, { name });
    return reply.redirect(`/console/accounts/${account.id}?notice=created`, 303);
  });

  app.get<{ Params: { ref: string }; Querystring: { notice?: string } }>('/accounts/:ref', async (req, reply) =>
    accountPage(deps, req, reply, { notice: noticeOf(req.query.notice) }),
  );

  app.post<{ Params: { ref: string }; Body: { role?: unknown; label?: unknown } }>('/accounts/:ref/keys', async (req, reply) => {
    const role = Number(req.body?.role ?? 0);
    const label = typeof req.body?.label === 'string' && req.body.label.trim() ? req.body.label.trim().slice(0, 100) : null;
    const { record, key } = await deps.accounts.createApiKey(sessionOf(req).principal, req.params.ref, role, label);
    return accountPage(deps, req, reply, {
      secret: { title: `New API key ${record.id}`, lines: [['Key', key]] },
      status: 201,
    });
  });

  app.post<{ Params: { ref: string; id: string } }>('/accounts/:ref/keys/:id/revoke', async (req, reply) => {
    await deps.accounts.revokeApiKey(sessionOf(req).principal, req.params.ref, req.params.id);
    return reply.redirect(`/console/accounts/${encodeURIComponent(req.params.ref)}?notice=revoked`, 303);
  });

  app.post<{ Params: { ref: string } }>('/accounts/:ref/access-keys', async (req, reply) => {
    const { record, secret } = await deps.accounts.createAccessKey(sessionOf(req).principal, req.params.ref);
    return accountPage(deps, req, reply, {
      secret: {
        title: `New access key ${record.id}`,
        lines: [
          ['AccessKeyId', record.id],
          ['AccessKeySecret', secret],
        ],
      },
      status: 201,
    });
  });

  app.post<{ Params: { ref: string; id: string } }>('/accounts/:ref/access-keys/:id/revoke', async (req, reply) => {
    await deps.accounts.revokeAccessKey(sessionOf(req).principal, req.params.ref, req.params.id);
    return reply.redirect(`/console/accounts/${encodeURIComponent(req.params.ref)}?notice=revoked`, 303);
  });
};

const noticeOf = (key: string | undefined) => (key && notices[key] ? { text: notices[key] } : null);

const state = (revokedAt: number | null): SafeHtml => (revokedAt === null ? html`active` : html`revoked ${when(revokedAt)}`);

/** An account's page: its facts, then what the credential may see of it (keys, webhook endpoints). */
export const accountPage = async (
  deps: ConsoleDeps,
  req: FastifyRequest<{ Params: { ref: string } }>,
  reply: FastifyReply,
  extra: {
    notice?: { text: string; bad?: boolean } | null;
    secret?: { title: string; lines: [string, string][]; about?: string };
    webhookForm?: WebhookFormValues;
    status?: number;
  },
) => {
  const actor: Principal = sessionOf(req).principal;
  const account = await deps.accounts.get(actor, req.params.ref);
  if (!may(actor, 'manage_keys') && !may(actor, 'read')) throw new CoreError('FORBIDDEN');
  const csrf = csrfToken(req, reply);
  const sandbox = (req.server as { reverifySandbox?: boolean }).reverifySandbox === true;
  const [keys, webhooks] = await Promise.all([
    may(actor, 'manage_keys') ? keySections(deps, actor, account.id, csrf) : html``,
    may(actor, 'read') ? webhookSection(deps, actor, account, csrf, { sandbox, values: extra.webhookForm }) : html``,
  ]);
  const secret = extra.secret
    ? html`<section class="notice" role="status" aria-labelledby="secret-h"><h2 id="secret-h">${extra.secret.title}</h2>
<p>Copy it now: it is shown this once, and only ${extra.secret.about ?? 'its hash (or sealed form)'} is kept.</p>
<dl class="facts">${extra.secret.lines.map(([k, v]) => html`<dt>${k}</dt><dd><span class="secret">${v}</span></dd>`).reduce((a, b) => html`${a}${b}`, html``)}</dl></section>`
    : html``;
  const body = html`${secret}<dl class="facts"><dt>Name</dt><dd>${account.name}</dd><dt>Login</dt><dd>${account.loginName ?? 'none'}</dd>
<dt>Created</dt><dd>${when(account.createdAt)}</dd><dt>Id</dt><dd class="mono">${account.id}</dd></dl>
${keys}
${webhooks}`;
  return render(
    req,
    reply,
    { title: `Account ${account.name}`, section: 'accounts', body, notice: extra.notice ?? null },
    extra.status ?? 200,
  );
};

/** API keys and access keys: for the operator and keys that may manage keys. */
const keySections = async (deps: ConsoleDeps, actor: Principal, accountId: string, csrf: string): Promise<SafeHtml> => {
  const [apiKeys, accessKeys] = await Promise.all([
    deps.accounts.listApiKeys(actor, accountId),
    deps.accounts.listAccessKeys(actor, accountId),
  ]);
  const base = `/console/accounts/${accountId}`;
  const keyRows = apiKeys.map(
    (
      k,
    ) => html`<tr><td class="mono">${k.id}</td><td>${roleNames[k.role] ?? String(k.role)}</td><td>${k.label ?? ''}</td><td class="mono">…${k.hint}</td>
<td>${when(k.createdAt)}</td><td>${state(k.revokedAt)}</td>
<td>${k.revokedAt === null ? postButton(`${base}/keys/${k.id}/revoke`, 'Revoke', csrf, { className: 'danger', name: `Revoke API key ending ${k.hint}` }) : html``}</td></tr>`,
  );
  const accessRows = accessKeys.map(
    (k) => html`<tr><td class="mono">${k.id}</td><td>${when(k.createdAt)}</td><td>${state(k.revokedAt)}</td>
<td>${k.revokedAt === null ? postButton(`${base}/access-keys/${k.id}/revoke`, 'Revoke', csrf, { className: 'danger', name: `Revoke access key ${k.id}` }) : html``}</td></tr>`,
  );
  return html`<h2>API keys</h2>
<p class="muted">Bearer tokens for the native API and DigiCert's <code>X-DC-DEVKEY</code>; they also sign in here.</p>
${table('API keys', ['Id', 'Role', 'Label', 'Ends in', 'Created', 'State', 'Action'], keyRows, 'No API key.')}
<h3>Create an API key</h3>
<form class="filters" method="post" action="${base}/keys">${csrfField(csrf)}
<div><label for="k-role">Role</label><select id="k-role" name="role">${options(
    apiKeyRoles.map((r) => [String(r), roleNames[r] ?? String(r)]),
    '0',
  )}</select></div>
<div><label for="k-label">Label</label><input id="k-label" name="label" maxlength="100"></div>
<div><button type="submit">Create API key</button></div></form>
<h2>Access keys</h2>
<p class="muted">Alibaba Cloud AccessKey pairs: they sign RPC requests and act as the account itself.</p>
${table('Access keys', ['AccessKeyId', 'Created', 'State', 'Action'], accessRows, 'No access key.')}
<p>${postButton(`${base}/access-keys`, 'Create access key', csrf)}</p>`;
};
