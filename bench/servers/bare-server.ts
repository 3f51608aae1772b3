import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { reportPeakRss } from './peak-rss.js';
import { listen } from './server-kit.js';

/**
 * The bare limit: node:http and better-sqlite3 (WAL), one outbox row inserted per request, each
 * insert its own transaction. `BENCH_SYNC=FULL` makes every commit wait for fsync (power-loss
 * durability); the default NORMAL is what Reverify runs with.
 */
const sync = process.env.BENCH_SYNC === 'FULL' ? 'FULL' : 'NORMAL';
const dir = mkdtempSync(join(tmpdir(), 'reverify-bench-bare-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const db = new Database(join(dir, 'bare.db'));
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${sync}`);
db.exec('CREATE TABLE outbox (id TEXT PRIMARY KEY, verification_id TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL)');
const insert = db.prepare('INSERT INTO outbox (id, verification_id, payload, created_at) VALUES (?, ?, ?, ?)');
let inserted = 0;

const server = createServer((req, res) => {
  const id = req.url?.split('/')[2] ?? '';
  req.resume();
  req.on('end', () => {
    const messageId = randomUUID();
    insert.run(messageId, id, '{}', Date.now());
    inserted++;
    const body = JSON.stringify({ message_id: messageId });
    res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});

reportPeakRss(() => inserted);
await listen(server, { ids: Array.from({ length: 1000 }, (_, i) => `v${i}`), synchronous: sync });
