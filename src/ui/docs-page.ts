import type { FastifyInstance } from 'fastify';
import { html, joinHtml, page, type SafeHtml } from './page.js';
import { htmlSecurity } from './security-headers.js';

interface Operation {
  summary?: string;
  tags?: string[];
}

/** A readable list of the native API's operations, from the same OpenAPI document clients get. */
export const docsPage = async (app: FastifyInstance) => {
  await htmlSecurity(app);
  app.get('/docs', { schema: { hide: true } }, async (_req, reply) => {
    const doc = (app as unknown as { swagger(): { paths: Record<string, Record<string, Operation>> } }).swagger();
    const rows: SafeHtml[] = [];
    for (const [path, ops] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(ops)) {
        rows.push(html`<tr><td><code>${method.toUpperCase()}</code></td><td><code>${path}</code></td><td>${op.summary ?? ''}</td></tr>`);
      }
    }
    const table = html`<h1>Reverify API</h1><p>The machine-readable document is <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1).
Authenticate with <code>Authorization: Bearer &lt;admin token or account API key&gt;</code>.</p>
<table>${joinHtml(rows)}</table>`;
    reply.header('content-type', 'text/html; charset=utf-8');
    return page('Reverify API reference', table);
  });
};
