// The typed client against a running Reverify (npm start prints the admin token):
//   REVERIFY_URL=http://127.0.0.1:8080 REVERIFY_TOKEN=rva_... npx tsx packages/client/example.ts
import { createReverifyClient } from './src/index.js';

const client = createReverifyClient({
  baseUrl: process.env.REVERIFY_URL ?? 'http://127.0.0.1:8080',
  token: process.env.REVERIFY_TOKEN ?? '',
});

const { data, error } = await client.POST('/v1/verifications', { body: { recipient: 'someone@example.com', purpose: 'email_ownership' } });
if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
console.log(`verification ${data.id} is ${data.state}; the email is in the captured inbox (GET /v1/inbox)`);
