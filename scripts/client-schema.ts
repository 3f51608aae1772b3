import type { FastifyInstance } from 'fastify';
import openapiTS, { astToString } from 'openapi-typescript';
import { defaults } from '../src/config/settings.js';
import { buildApp } from '../src/http/app.js';
import { createRuntime } from '../src/runtime/create-runtime.js';
import { createLogger } from '../src/runtime/logger.js';

const header = `/**
 * The native API's types, generated from the OpenAPI document Reverify serves at /v1/openapi.json
 * (in sandbox mode, so the fault-injection routes are included). Do not edit: run
 * \`npm run client:generate\`. A test fails when this file drifts from the served document.
 */

`;

/** The OpenAPI document as a sandbox serves it (a throw-away in-memory instance). */
export const servedDocument = async (): Promise<unknown> => {
  const rt = await createRuntime(
    {
      ...defaults,
      databaseUrl: 'sqlite::memory:',
      secretKey: 'x'.repeat(32),
      adminToken: 'y'.repeat(16),
      sandbox: true,
      logLevel: 'silent',
    },
    { logger: createLogger('silent') },
  );
  let app: FastifyInstance | null = null;
  try {
    app = await buildApp(rt);
    await app.ready();
    return JSON.parse(JSON.stringify(app.swagger()));
  } finally {
    await app?.close();
    await rt.close();
  }
};

/** The client's schema module, as `npm run client:generate` writes it. */
export const clientSchemaSource = async (): Promise<string> => header + astToString(await openapiTS((await servedDocument()) as never));
