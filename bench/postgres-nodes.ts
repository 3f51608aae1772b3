import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { type NodeProcess, startNode } from '../test/helpers/node-process.js';
import { startPostgres } from '../test/helpers/postgres.js';
import { ADMIN_TOKEN } from '../test/helpers/service.js';

/**
 * The native resend on PostgreSQL with 1, 2 and 3 nodes (`reverify start` processes on one embedded
 * PostgreSQL with its durable defaults), and SQLite against PostgreSQL on one node, in one run.
 * autocannon here spreads 50 connections over the nodes; quotas off, capture transport (the courier
 * delivers into the database while requests arrive). Reports req/s, latency and where the CPU went.
 * Loopback only; bounded in time; stops by itself. Run: npx tsx bench/postgres-nodes.ts
 */
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = 3;
const VERIFICATIONS = 1000;
const TICKS_PER_S = 100;

const nodeEnv = {
  REVERIFY_RESEND_COOLDOWN: '0',
  REVERIFY_RESEND_MAX_PER_DAY: '0',
  REVERIFY_ACCOUNT_MAX_PER_HOUR: '0',
  REVERIFY_IP_MAX_PER_HOUR: '0',
  REVERIFY_SMTP_URL: 'capture:',
};

/** CPU ticks of each process, read from /proc: its own (user + system) and its reaped children's (backends that ended). */
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

/** Cores used between two readings: processes that started in between count from zero; those that ended count in their parent. */
const coresUsed = (before: Map<number, number>, after: Map<number, number>, seconds: number): number => {
  let sum = 0;
  for (const [pid, t] of after) sum += t - (before.get(pid) ?? 0);
  return sum / TICKS_PER_S / seconds;
};

/** The highest resident set a process has had (VmHWM), in MB. */
const peakRssMb = (pid: number): number => {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb ?? 0) / 1024);
};

/** Busy and total CPU ticks of the whole machine (/proc/stat). */
const machine = (): { busy: number; total: number } => {
  const [, ...values] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
  const n = values.map(Number);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
};

/** The embedded server and its backends: every descendant of its main process. */
const descendants = (root: number): number[] => {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      parent.set(Number(entry), ppid);
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

const load = (nodes: NodeProcess[], ids: string[], duration: number) =>
  Promise.all(
    nodes.map((node, n) => {
      let i = n;
      return autocannon({
        url: node.url,
        connections: Math.round(CONNECTIONS / nodes.length),
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

interface Row {
  case: string;
  'req/s': number;
  'p50 ms': number;
  'p99 ms (worst node)': number;
  'non-2xx': number;
  'database CPU (cores)': number;
  'nodes CPU (cores)': number;
  'node CPU per request (ms)': number;
  'database CPU per request (ms)': number;
  'database share of CPU': string;
  'load generator CPU (cores)': number;
  'machine busy': string;
  'peak RSS per node (MB)': number;
}

const measure = async (name: string, databaseUrl: string, count: number, databasePid: number | null): Promise<Row> => {
  const nodes = await Promise.all(Array.from({ length: count }, () => startNode({ ...nodeEnv, REVERIFY_DATABASE_URL: databaseUrl })));
  try {
    const ids: string[] = [];
    for (let i = 0; i < VERIFICATIONS; i++) {
      const r = await (nodes[0] as NodeProcess).call('POST', '/v1/verifications', {
        recipient: `bench${i}@example.com`,
        purpose: 'email_ownership',
      });
      ids.push(r.json.id);
    }
    await load(nodes, ids, WARMUP_S);
    const dbPids = () => (databasePid ? descendants(databasePid) : []);
    const nodePids = nodes.map((n) => n.proc.pid ?? 0);
    const before = { db: ticks(dbPids()), nodes: ticks(nodePids), self: process.cpuUsage(), machine: machine() };
    const results = await load(nodes, ids, DURATION_S);
    const db = coresUsed(before.db, ticks(dbPids()), DURATION_S);
    const cpu = coresUsed(before.nodes, ticks(nodePids), DURATION_S);
    const rate = results.reduce((s, r) => s + r.requests.average, 0);
    const self = process.cpuUsage(before.self);
    const after = machine();
    return {
      case: name,
      'req/s': Math.round(rate),
      'p50 ms': Math.max(...results.map((r) => r.latency.p50)),
      'p99 ms (worst node)': Math.max(...results.map((r) => r.latency.p99)),
      'non-2xx': results.reduce((s, r) => s + r.non2xx + r.errors, 0),
      'database CPU (cores)': Number(db.toFixed(2)),
      'nodes CPU (cores)': Number(cpu.toFixed(2)),
      'node CPU per request (ms)': Number(((1000 * cpu) / rate).toFixed(2)),
      'database CPU per request (ms)': Number(((1000 * db) / rate).toFixed(2)),
      'database share of CPU': databasePid ? `${Math.round((100 * db) / (db + cpu))} %` : 'in the node',
      'load generator CPU (cores)': Number(((self.user + self.system) / 1e6 / DURATION_S).toFixed(2)),
      'peak RSS per node (MB)': Math.max(...nodePids.map(peakRssMb)),
      'machine busy': `${Math.round((100 * (after.busy - before.machine.busy)) / (after.total - before.machine.total))} %`,
    };
  } finally {
    await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
  }
};

const postgres = await startPostgres({ durable: true });
const dir = mkdtempSync(join(tmpdir(), 'reverify-bench-'));
try {
  const rows: Row[] = [];
  rows.push(await measure('SQLite, 1 node', `sqlite:${join(dir, 'bench.db')}`, 1, null));
  for (const count of [1, 2, 3])
    rows.push(await measure(`PostgreSQL, ${count} node${count > 1 ? 's' : ''}`, await postgres.createDatabase(), count, postgres.pid));
  console.log(`native resend, ${CONNECTIONS} connections over the nodes, ${DURATION_S} s after ${WARMUP_S} s warm-up, ${process.version}`);
  console.table(rows);
} finally {
  await postgres.close();
  rmSync(dir, { recursive: true, force: true });
}
