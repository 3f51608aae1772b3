/**
 * The next-request timing probe of issue 9.3, as an attacker would run it: can the latency of a
 * request sent right after `resendActivation(target)` tell a pending sign-up from an unknown address?
 *
 * The attacker signs up addresses of their own (pending) to calibrate: for them and for random
 * unknown addresses they measure the probe's latency after the target request, in (target, probe) and
 * (reference, probe) pairs in random order, and take the midpoint of the two median differences as
 * the threshold. Then each trial picks a fresh target, pending or unknown at random, and classifies it.
 * Prints the accuracy: 50 % is chance; the target is at most 60 % over 60 trials.
 *
 *   npx tsx bench/probes/akana-timing.ts                 (spawns this checkout's service)
 *   PROBE_URL=http://127.0.0.1:8080 npx tsx bench/probes/akana-timing.ts
 * Env: PROBE_TRIALS (60), PROBE_ROUNDS (25 pairs of each kind per trial), PROBE_CALIBRATION (8 of each).
 */
import { performance } from 'node:perf_hooks';
import { startProbeService } from './service.js';

const TRIALS = Number(process.env.PROBE_TRIALS ?? 60);
const ROUNDS = Number(process.env.PROBE_ROUNDS ?? 25);
/** Own pending addresses and unknown ones the attacker measures first, to place the threshold. */
const CALIBRATION = Number(process.env.PROBE_CALIBRATION ?? 8);

const post = async (base: string, path: string, body: string, type = 'application/x-www-form-urlencoded') => {
  const started = performance.now();
  const res = await fetch(`${base}/api/users/${path}`, { method: 'POST', headers: { 'content-type': type }, body });
  await res.arrayBuffer();
  return performance.now() - started;
};

const resend = (base: string, email: string) => post(base, 'resendActivation', `emailAddress=${encodeURIComponent(email)}`);
const signup = (base: string, email: string) => post(base, 'signupUser', JSON.stringify({ EmailAddress: email }), 'application/json');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? 0;
};

/** Median probe latency after `target` minus after `reference`, over ROUNDS pairs of each, interleaved at random. */
const difference = async (base: string, target: string, reference: string) => {
  const after: Record<'target' | 'reference', number[]> = { target: [], reference: [] };
  const order = [...Array(ROUNDS).fill('target'), ...Array(ROUNDS).fill('reference')].sort(() => Math.random() - 0.5) as (
    | 'target'
    | 'reference'
  )[];
  for (const kind of order) {
    await resend(base, kind === 'target' ? target : reference);
    after[kind].push(await resend(base, `probe-${Math.random().toString(36).slice(2)}@probe.example`));
  }
  return median(after.target) - median(after.reference);
};

const main = async () => {
  // PROBE_URL probes a service already running; otherwise one is started for the probe.
  const service = process.env.PROBE_URL
    ? null
    : await startProbeService({
        // The probe itself must not be what the limits stop: give the attacker every advantage.
        REVERIFY_ANONYMOUS_PER_MINUTE: '0',
        REVERIFY_IP_MAX_PER_HOUR: '0',
        REVERIFY_RESEND_MAX_PER_DAY: '1000000',
      });
  const base = process.env.PROBE_URL ?? (service as { base: string }).base;
  const url = base;
  const fresh = () => `${Math.random().toString(36).slice(2)}@probe-target.example`;
  const pending = async () => {
    const email = fresh();
    await signup(url, email);
    // The sign-up is worked off the request path: give it time to exist before it is probed.
    await new Promise((r) => setTimeout(r, 1000));
    return email;
  };
  try {
    for (let i = 0; i < 50; i++) await resend(url, fresh());
    const calibrationPending: number[] = [];
    const calibrationUnknown: number[] = [];
    for (let i = 0; i < CALIBRATION; i++) {
      calibrationPending.push(await difference(url, await pending(), fresh()));
      calibrationUnknown.push(await difference(url, fresh(), fresh()));
    }
    const threshold = (median(calibrationPending) + median(calibrationUnknown)) / 2;
    let correct = 0;
    const diffs: { pending: number[]; unknown: number[] } = { pending: [], unknown: [] };
    for (let t = 0; t < TRIALS; t++) {
      const isPending = Math.random() < 0.5;
      const target = isPending ? await pending() : fresh();
      const d = await difference(url, target, fresh());
      diffs[isPending ? 'pending' : 'unknown'].push(d);
      if (d > threshold === isPending) correct++;
    }
    const fmt = (xs: number[]) => (xs.length ? `median ${median(xs).toFixed(3)} ms over ${xs.length}` : 'none');
    console.log(
      JSON.stringify(
        {
          trials: TRIALS,
          rounds: ROUNDS,
          correct,
          accuracy: Number((correct / TRIALS).toFixed(3)),
          threshold_ms: Number(threshold.toFixed(3)),
          calibration_ms: {
            pending: Number(median(calibrationPending).toFixed(3)),
            unknown: Number(median(calibrationUnknown).toFixed(3)),
          },
          difference: { pending: fmt(diffs.pending), unknown: fmt(diffs.unknown) },
        },
        null,
        2,
      ),
    );
  } finally {
    await service?.stop();
  }
};

await main();
