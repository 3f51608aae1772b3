import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { SERVICE_NODE_FLAGS } from '../../src/runtime/node-flags.js';
import { freePort } from '../../test/helpers/ports.js';
import { buildServers, builtServer } from './build-servers.js';

const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const TICKS_PER_S = 100;

/** Every node shares one database, so every node has the same server key; quotas are out of the way, mail captured. */
const nodeEnv = {
  REVERIFY_ADMIN_TOKEN: ADMIN_TOKEN,
  REVERIFY_SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789',
  REVERIFY_LOG_LEVEL: 'warn',
  REVERIFY_RESEND_COOLDOWN: '0',
  REVERIFY_RESEND_MAX_PER_DAY: '0',
  REVERIFY_ACCOUNT_MAX_PER_HOUR: '0',
  REVERIFY_IP_MAX_PER_HOUR: '0',
  REVERIFY_SMTP_URL: 'capture:',
};

interface Node {
  url: string;
  proc: ChildProcess;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

/** One `reverify start` process (compiled, on plain node, with the flags the service ships with), ready when /readyz says so. */
const startNode = async (databaseUrl: string, timeoutMs: number): Promise<Node> => {
  await buildServers();
  const port = await freePort();
  const proc = spawn(process.execPath, [...SERVICE_NODE_FLAGS, builtServer('reverify-node.ts'), 'start'], {
    env: { ...process.env, ...nodeEnv, REVERIFY_DATABASE_URL: databaseUrl, REVERIFY_HOST: '127.0.0.1', REVERIFY_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + timeoutMs; ; ) {
    if (proc.exitCode !== null) throw new Error(`a node exited with ${proc.exitCode} before it was ready`);
    if (
      (await fetch(`${url}/readyz`).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      return { url, proc };
    if (Date.now() > deadline) throw new Error('a node did not become ready');
    await sleep(100);
  }
};

const stopNode = async (n: Node) => {
  if (n.proc.exitCode !== null) return;
  n.proc.kill('SIGTERM');
  await Promise.race([new Promise((r) => n.proc.once('exit', r)), sleep(10_000)]);
  n.proc.kill('SIGKILL');
};

/** CPU ticks of each process, from /proc: its own (user + system) and its reaped children's (backends that ended). */
const ticks = (pids: number[]): Map<number, number> => {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      out.set(pid, Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]));
    } catch {}
  }
  return out;
};

/** Cores used between two readings: processes that started in between count from zero. */
const coresUsed = (before: Map<number, number>, after: Map<number, number>, seconds: number): number => {
  let sum = 0;
  for (const [pid, t] of after) sum += t - (before.get(pid) ?? 0);
  return sum / TICKS_PER_S / seconds;
};

/** The highest resident set a process has had (VmHWM), in MB. */
const peakRssMb = (pid: number): number => {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Math.round(Number(kb ?? 0) / 1024);
  } catch {
    return 0;
  }
};

/** The database server and its backends: every descendant of its main process. */
const descendants = (root: number): number[] => {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      parent.set(Number(entry), Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]));
    } catch {}
  }
  const all = [root];
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!all.includes(ppid) || all.includes(pid)) continue;
      all.push(pid);
      grew = true;
    }
  }
  return all;
};

/** `connections` spread over the nodes, each node's share resending the seeded verifications round robin. */
const load = (nodes: Node[], ids: string[], connections: number, duration: number) =>
  Promise.all(
    nodes.map((node, n) => {
      let i = n;
      return autocannon({
        url: node.url,
        connections: Math.max(1, Math.round(connections / nodes.length)),
        duration,
        requests: [
          {
            method: 'POST',
            headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
            setupRequest: (req) => ({ ...req, path: `/v1/verifications/${ids[i++ % ids.length]}/resend` }),
          },
        ],
      });
    }),
  );

export interface NodesRun {
  rps: number;
  p50_ms: number;
  /** The worst node's. */
  p99_ms: number;
  non2xx: number;
  /** Cores the database server and its backends used, and the nodes together. */
  database_cores: number;
  node_cores: number;
  database_cpu_ms_per_request: number;
  node_cpu_ms_per_request: number;
  /** The database's part of the CPU the nodes and the database used together, in %. */
  database_cpu_share_pct: number | null;
}

export interface NodesOptions {
  databaseUrl: string;
  /** The database server's main process (its CPU is measured with its backends); null for SQLite. */
  databasePid: number | null;
  nodes: number;
  verifications: number;
  connections: number;
  warmupS: number;
  durationS: number;
  repetitions: number;
  startTimeoutMs: number;
}

/**
 * The native resend on `nodes` `reverify start` processes sharing one database: seeds verifications
 * through the first node, warms up, then measures `repetitions` runs and keeps the median by rate.
 * Returns it with every run and the nodes' peak RSS.
 */
export const measureNodes = async (o: NodesOptions): Promise<{ median: NodesRun; runs: NodesRun[]; rss_mb: number }> => {
  const nodes: Node[] = [];
  try {
    for (let i = 0; i < o.nodes; i++) nodes.push(await startNode(o.databaseUrl, o.startTimeoutMs));
    const first = nodes[0] as Node;
    const ids: string[] = [];
    for (let i = 0; i < o.verifications; i++) {
      const r = await fetch(`${first.url}/v1/verifications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ recipient: `bench${i}@example.com`, purpose: 'email_ownership' }),
      });
      if (r.status !== 201) throw new Error(`seeding answered ${r.status}`);
      ids.push(((await r.json()) as { id: string }).id);
    }
    if (o.warmupS > 0) await load(nodes, ids, o.connections, o.warmupS);
    const runs: NodesRun[] = [];
    for (let k = 0; k < o.repetitions; k++) {
      const dbPids = () => (o.databasePid ? descendants(o.databasePid) : []);
      const nodePids = nodes.map((n) => n.proc.pid ?? 0);
      const before = { db: ticks(dbPids()), nodes: ticks(nodePids) };
      const results = await load(nodes, ids, o.connections, o.durationS);
      const db = coresUsed(before.db, ticks(dbPids()), o.durationS);
      const cpu = coresUsed(before.nodes, ticks(nodePids), o.durationS);
      const rate = results.reduce((s, r) => s + r.requests.average, 0);
      runs.push({
        rps: Math.round(rate),
        p50_ms: Math.max(...results.map((r) => r.latency.p50)),
        p99_ms: Math.max(...results.map((r) => r.latency.p99)),
        non2xx: results.reduce((s, r) => s + r.non2xx + r.errors, 0),
        database_cores: Number(db.toFixed(2)),
        node_cores: Number(cpu.toFixed(2)),
        database_cpu_ms_per_request: rate > 0 ? Number(((1000 * db) / rate).toFixed(2)) : 0,
        node_cpu_ms_per_request: rate > 0 ? Number(((1000 * cpu) / rate).toFixed(2)) : 0,
        database_cpu_share_pct: o.databasePid && db + cpu > 0 ? Math.round((100 * db) / (db + cpu)) : null,
      });
    }
    const chosen = [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)] as NodesRun;
    return { median: chosen, runs, rss_mb: Math.max(...nodes.map((n) => peakRssMb(n.proc.pid ?? 0))) };
  } finally {
    await Promise.all(nodes.map(stopNode));
  }
};
