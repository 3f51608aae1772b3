/** Regenerates packages/client/src/schema.ts from the served OpenAPI document: `npm run client:generate`. */
import { writeFileSync } from 'node:fs';
import { clientSchemaSource } from './client-schema.js';

const target = new URL('../packages/client/src/schema.ts', import.meta.url);
writeFileSync(target, await clientSchemaSource());
process.stdout.write(`wrote ${target.pathname}\n`);
