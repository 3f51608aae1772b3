import { readFileSync } from 'node:fs';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { marked } from 'marked';
import { html, joinHtml, page, pageHeaders, SafeHtml } from './page.js';
import { htmlSecurity } from './security-headers.js';

interface Dialect {
  name: string;
  mount: string;
  summary: string;
  /** The vendor's own documentation of the API this dialect speaks. */
  vendorDocs: string;
}

/** One page per vendor dialect: this repository's docs/<name>.md, rendered, and a link to the vendor's own reference. */
export const dialects: Record<string, Dialect> = {
  sectigo: {
    name: 'Sectigo',
    mount: '/products/!…',
    summary: 'S/MIME and DCV resends (form posts, Sectigo result codes in the body).',
    vendorDocs: 'https://www.sectigo.com/knowledge-base',
  },
  digicert: {
    name: 'DigiCert CertCentral',
    mount: '/services/v2',
    summary: 'DCV emails of certificate orders (JSON, X-DC-DEVKEY).',
    vendorDocs: 'https://dev.digicert.com/en/certcentral-apis/services-api.html',
  },
  alibaba: {
    name: 'Alibaba Cloud Domain API',
    mount: '/ (RPC, Action=…)',
    summary: 'Registrant email verification (signed RPC calls, XML or JSON).',
    vendorDocs: 'https://www.alibabacloud.com/help/en/domains/developer-reference/api-domain-2018-01-29-dir',
  },
  akana: {
    name: 'Akana API Platform',
    mount: '/api/users',
    summary: 'Anonymous sign-up and activation (enumeration-safe answers).',
    vendorDocs: 'https://docs.akana.com/',
  },
};

const docsDir = new URL('../../docs/', import.meta.url);

const readDoc = (name: string): string | null => {
  try {
    return readFileSync(new URL(`${name}.md`, docsDir), 'utf8');
  } catch {
    return null;
  }
};

const wide = (body: SafeHtml) =>
  html`<style>body{max-width:60em} table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
code{background:#f3f3f3;padding:0 .2em} pre{background:#f3f3f3;padding:.6em;overflow-x:auto}</style>${body}`;

/**
 * `/docs`: the native API reference (Swagger UI, served from this package, fed by the generated
 * OpenAPI document) and a page per vendor dialect.
 */
export const docsPages = async (app: FastifyInstance) => {
  await htmlSecurity(app, { scripts: true });
  await app.register(swaggerUi, {
    routePrefix: '/docs/api',
    uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 1, tryItOutEnabled: false },
    theme: { title: 'Reverify native API reference' },
  });

  app.get('/docs', { schema: { hide: true } }, async (_req, reply) => {
    const rows = Object.entries(dialects).map(
      ([key, d]) => html`<tr><td><a href="/docs/${key}">${d.name}</a></td><td><code>${d.mount}</code></td><td>${d.summary}</td></tr>`,
    );
    reply.headers(pageHeaders);
    return page(
      'Reverify documentation',
      wide(html`<h1>Reverify documentation</h1>
<h2>Native API</h2>
<p><a href="/docs/api">The native API reference</a>: every operation of <code>/v1</code> with its request and response bodies,
rendered from the OpenAPI 3.1 document at <a href="/v1/openapi.json">/v1/openapi.json</a>.
Authenticate with <code>Authorization: Bearer &lt;admin token or account API key&gt;</code>.</p>
<h2>Vendor dialects</h2>
<p>Each speaks one vendor's API on the wire, over the same verifications.</p>
<table><thead><tr><th>Dialect</th><th>Mounted at</th><th>What it does</th></tr></thead><tbody>${joinHtml(rows)}</tbody></table>
<h2>People</h2>
<p><a href="/console">The console</a>: verifications, the queue, accounts and keys, the captured inbox.</p>`),
    );
  });

  app.get<{ Params: { dialect: string } }>('/docs/:dialect', { schema: { hide: true } }, async (req, reply) => {
    const d = Object.hasOwn(dialects, req.params.dialect) ? dialects[req.params.dialect] : undefined;
    const text = d ? readDoc(req.params.dialect) : null;
    reply.headers(pageHeaders);
    if (!d || text === null)
      return reply.code(404).send(page('Not found', html`<h1>Not found</h1><p><a href="/docs">All documentation</a></p>`));
    const rendered = new SafeHtml(await marked.parse(text, { gfm: true }));
    return page(
      `${d.name} dialect`,
      wide(html`<p><a href="/docs">All documentation</a> · <a href="${d.vendorDocs}">${d.name}'s own API documentation</a></p>${rendered}`),
    );
  });
};
