/**
 * Memory under sustained load: 4 rounds of 8 s of resends at 50 connections against one Reverify
 * process (loopback only), reporting heap and RSS after a forced GC at the end of each round. A leak
 * shows as heap that keeps growing from round to round.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';
import { SERVICE_NODE_FLAGS } from '../src/runtime/node-flags.js';
import { buildServers, builtServer } from './lib/build-servers.js';

await buildServers();
const child = fork(builtServer('reverify-server.ts'), [], { execArgv: [...SERVICE_NODE_FLAGS, '--expose-gc'] });
const [ready] = (await once(child, 'message')) as [{ port: number; ids: string[] }];
let i = 0;
for (let round = 0; round < 4; round++) {
  await autocannon({
    url: `http://127.0.0.1:${ready.port}`,
    connections: 50,
    duration: 8,
    requests: [
      {
        method: 'POST',
        headers: { authorization: 'Bearer bench-admin-token-0123456789' },
        setupRequest: (r) => ({ ...r, path: `/v1/verifications/${ready.ids[i++ % ready.ids.length]}/resend` }),
      },
    ],
  });
  await new Promise((r) => setTimeout(r, 1500));
  child.send('gc');
  const [m] = (await once(child, 'message')) as [NodeJS.MemoryUsage];
  console.log(
    `round ${round}: after gc heapUsed ${Math.round(m.heapUsed / 1048576)} MB, external ${Math.round(m.external / 1048576)} MB, arrayBuffers ${Math.round(m.arrayBuffers / 1048576)} MB, rss ${Math.round(m.rss / 1048576)} MB`,
  );
}
child.kill('SIGTERM');
