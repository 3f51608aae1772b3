import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { SERVICE_NODE_FLAGS } from '../../src/runtime/node-flags.js';
import { buildServers, builtServer } from './build-servers.js';

const live = new Set<ChildProcess>();

// Whatever happens to this process, no server outlives it.
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export interface Ready {
  ready: true;
  port: number;
  [seeded: string]: unknown;
}

/** The server said why it could not start (a setting it refuses, a missing piece). */
export class StartFailed extends Error {}

/** One bench server in its own process, and the questions the parent may ask it over IPC. */
export class ServerChild {
  private constructor(
    readonly child: ChildProcess,
    readonly ready: Ready,
  ) {}

  /** Forks `bench/servers/<script>`, compiled, on plain node and waits for its ready message (seeding included). */
  static async start(script: string, env: Record<string, string>, timeoutMs: number): Promise<ServerChild> {
    await buildServers();
    const profile = process.env.BENCH_PROFILE;
    const child = fork(builtServer(script), [], {
      execArgv: [
        // Reverify runs with the flags it ships with; the peers with Node's defaults.
        ...(/^(reverify|postgres)-/.test(script) ? SERVICE_NODE_FLAGS : []),
        ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
        // Node flags NODE_OPTIONS refuses (--trace-gc), for looking into a case.
        ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      ],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    live.add(child);
    child.on('exit', () => live.delete(child));
    try {
      const first = await ServerChild.next<Ready | { startFailed: string }>(
        child,
        (m) => m.ready === true || typeof m.startFailed === 'string',
        timeoutMs,
        `${script} did not start`,
      );
      if (typeof first.startFailed === 'string') throw new StartFailed(first.startFailed);
      return new ServerChild(child, first as Ready);
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
  }

  private static next<T>(child: ChildProcess, match: (m: Record<string, unknown>) => boolean, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (m: unknown) => {
        if (m && typeof m === 'object' && match(m as Record<string, unknown>)) done(null, m as T);
      };
      const onExit = (code: number | null, signal: string | null) => done(new Error(`${what}: exited (${signal ?? code})`));
      function done(err: Error | null, value?: T) {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve(value as T);
      }
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  }

  ask<T>(msg: string, key: string, timeoutMs = 15_000): Promise<T> {
    const answer = ServerChild.next<Record<string, T>>(this.child, (m) => key in m, timeoutMs, `no answer to '${msg}'`);
    this.child.send(msg);
    return answer.then((m) => m[key] as T);
  }

  send(msg: string): void {
    this.child.send(msg);
  }

  /** Work done so far (rows queued, emails handed over): what a request is supposed to cause. */
  work(): Promise<number> {
    return this.ask<number>('stats', 'work');
  }

  /** CPU time the server has used so far (ms). */
  cpuMs(): Promise<number> {
    return this.ask<number>('cpu', 'cpuMs');
  }

  resetRss(): void {
    this.child.send('reset-rss');
  }

  async peakRssMb(): Promise<number> {
    return Math.round((await this.ask<number>('peak-rss', 'peakRss')) / 1048576);
  }

  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
