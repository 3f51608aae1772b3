import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/eventually.js';
import { startService, type TestService } from './helpers/service.js';

/** The reference at /docs is the OpenAPI document rendered locally; what it says about bodies is what the API answers. */
describe('the API reference', () => {
  let svc: TestService;
  let doc: any;
  const ajv = new Ajv({ strict: false, allErrors: true });

  beforeAll(async () => {
    svc = await startService();
    doc = (await svc.call('GET', '/v1/openapi.json', undefined, null)).json;
  });
  afterAll(async () => svc?.close());

  /** A real answer checked against the document's schema for its path, method and status. */
  const conforms = async (method: string, path: string, template: string, body?: unknown) => {
    const res = await svc.call(method, path, body);
    const schema = doc.paths[template]?.[method.toLowerCase()]?.responses?.[String(res.status)]?.content?.['application/json']?.schema;
    expect(schema, `${method} ${template} ${res.status} is documented`).toBeDefined();
    const validate = ajv.compile(schema);
    expect(validate(res.json) ? [] : validate.errors, `${method} ${path}`).toEqual([]);
    return res.json;
  };

  it('documents every operation with its request and response bodies, and real answers match them', async () => {
    for (const [path, ops] of Object.entries<any>(doc.paths))
      for (const [method, op] of Object.entries<any>(ops)) {
        const bodies = Object.entries<any>(op.responses ?? {}).filter(([status, r]) => status !== '204' && r.content);
        expect(bodies.length, `${method} ${path} documents a response body`).toBeGreaterThan(method === 'delete' ? -1 : 0);
      }
    const account = await conforms('POST', '/v1/accounts', '/v1/accounts', { name: 'docs-acme' });
    await conforms('GET', '/v1/accounts', '/v1/accounts');
    await conforms('GET', `/v1/accounts/${account.id}`, '/v1/accounts/{id}');
    const key = await conforms('POST', `/v1/accounts/${account.id}/keys`, '/v1/accounts/{id}/keys', { role: 102, label: 'ci' });
    await conforms('GET', `/v1/accounts/${account.id}/keys`, '/v1/accounts/{id}/keys');
    await conforms('GET', `/v1/accounts/${account.id}/keys/${key.id}`, '/v1/accounts/{id}/keys/{keyId}');
    await conforms('POST', `/v1/accounts/${account.id}/access-keys`, '/v1/accounts/{id}/access-keys');
    const order = await conforms('POST', '/v1/orders', '/v1/orders', {
      type: 'ssl',
      orderNumber: 99,
      domains: ['docs.example'],
      dcvEmail: 'admin@docs.example',
      account: 'docs-acme',
    });
    await conforms('GET', `/v1/orders/${order.id}`, '/v1/orders/{id}');
    await conforms('GET', '/v1/orders', '/v1/orders');
    await conforms('POST', '/v1/email-identities', '/v1/email-identities', { email: 'id@docs.example', account: 'docs-acme' });
    await conforms('GET', '/v1/email-identities', '/v1/email-identities');
    await conforms('POST', '/v1/signups', '/v1/signups', { emailAddress: 'new@docs.example', firstName: 'Nia' });
    await conforms('GET', '/v1/signups', '/v1/signups');
    await eventually(
      async () => (await svc.call('GET', '/v1/inbox?to=admin%40docs.example')).json.items.length,
      (n) => n > 0,
    );
    await conforms('GET', '/v1/inbox', '/v1/inbox');
    const messages = await conforms('GET', '/v1/messages', '/v1/messages');
    await conforms('GET', `/v1/messages/${messages.items[0].id}`, '/v1/messages/{id}');
    await conforms('GET', '/v1/messages/nope', '/v1/messages/{id}');
    await conforms('GET', '/v1/webhooks', '/v1/webhooks');
    await conforms('GET', '/v1/suppressions', '/v1/suppressions');
    await conforms('GET', '/v1/templates/preview?purpose=dcv&locale=de', '/v1/templates/preview');
  });

  it('is served by Reverify itself: Swagger UI and its assets, no other host named', async () => {
    const index = await fetch(`${svc.url}/docs/api`);
    const html = await index.text();
    expect(index.status).toBe(200);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//);
      const res = await fetch(new URL(asset, `${svc.url}/docs/api/`));
      await res.arrayBuffer();
      expect(res.status, asset).toBe(200);
    }
    const init = await (await fetch(`${svc.url}/docs/api/static/swagger-initializer.js`)).text();
    expect(init).toContain('validatorUrl: null');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const sectigo = await fetch(`${svc.url}/docs/sectigo`);
    expect(await sectigo.text()).toContain('<h1>Sectigo dialect</h1>');
    const missing = await fetch(`${svc.url}/docs/nope`);
    await missing.text();
    expect(missing.status).toBe(404);
  });
});
