import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';
import { reportPeakRss } from './peak-rss.js';

/**
 * A real SMTP server on 127.0.0.1 that accepts every message and notes when each arrived (after
 * its DATA was read, just before the 250). No parsing: it must not be the bottleneck. smtp-server
 * waits 100 ms before greeting each new connection (to catch early talkers): a pooled sender pays
 * it once per connection. 'arrivals' answers with the arrival times (ms, this process's clock).
 */
const arrivals: number[] = [];
const server = new SMTPServer({
  disableReverseLookup: true,
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 1_048_576,
  onData(stream, _session, callback) {
    stream.on('end', () => {
      arrivals.push(performance.now());
      callback();
    });
    stream.resume();
  },
});
reportPeakRss(() => arrivals.length);
process.on('message', (msg) => {
  if (msg === 'arrivals') process.send?.({ arrivals });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  process.send?.({ ready: true, port: typeof address === 'object' && address ? address.port : 0 });
});
