/**
 * The virtual-user runner: a population of users that grows step by step (ramp, then hold), each
 * user with its own keep-alive connection, cookie jar and loopback address, sending one request
 * every THINK_MIN_MS–THINK_MAX_MS (uniform; 5–10 s by default) picked from its role's mix. A step's
 * figures (req/s, p50/p95/p99, errors per endpoint and overall) come from its hold window only;
 * errors in its ramp are counted too. The load generator's own CPU and event-loop delay are measured
 * in the same windows, because it shares the machine with the server.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { ProcessMonitor, type GroupStats } from './monitor.js';
import {
  VirtualUser,
  accountFor,
  roleFor,
  type Recorder,
  type Sample,
  type TargetInfo,
  type VuRole,
} from './scenarios.js';

export interface StepSpec {
  vus: number;
  rampS: number;
  holdS: number;
}

export interface EndpointStats {
  endpoint: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
}

export interface StepReport {
  vus: number;
  holdS: number;
  /** Model: users / mean(think + latency). */
  expectedRps: number;
  overall: EndpointStats;
  endpoints: EndpointStats[];
  /** Errors in this step outside its measured hold: the ramp (new users signing in), waits, holds measured again. */
  rampErrors: number;
  errorReasons: Record<string, number>;
  processes: GroupStats[];
  machineCpu: number;
  loadgen: { cpu: number; eventLoopP99Ms: number; eventLoopMaxMs: number; rssMb: number };
  openUsers: number;
}

export interface RunOptions {
  target: TargetInfo;
  steps: StepSpec[];
  roleMix: Record<VuRole, number>;
  thinkMinMs?: number;
  thinkMaxMs?: number;
  monitor?: ProcessMonitor;
  /** Stop stepping up when this says so (after the step's report). */
  stopWhen?: (report: StepReport) => boolean;
  onStep?: (report: StepReport) => void | Promise<void>;
  log?: (line: string) => void;
  /** Before each hold window (after the ramp): e.g. wait until the rest of the machine is quiet. */
  beforeHold?: () => Promise<void>;
  /** A hold whose report this rejects (e.g. other processes were busy) is measured again, at most twice. */
  acceptHold?: (report: StepReport) => boolean;
  /** Print a live line every this many seconds (0: never). */
  liveEveryS?: number;
}

class Window {
  readonly byEndpoint = new Map<string, { lat: number[]; errors: number }>();
  readonly reasons = new Map<string, number>();
  errors = 0;
  add(s: Sample) {
    let e = this.byEndpoint.get(s.endpoint);
    if (!e) this.byEndpoint.set(s.endpoint, (e = { lat: [], errors: 0 }));
    e.lat.push(s.ms);
    if (!s.ok) {
      e.errors++;
      this.errors++;
      const key = `${s.endpoint}: ${s.reason}`;
      this.reasons.set(key, (this.reasons.get(key) ?? 0) + 1);
    }
  }
}

function summarize(endpoint: string, lat: number[], errors: number, seconds: number): EndpointStats {
  const sorted = Float64Array.from(lat).sort();
  const pct = (p: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
  return {
    endpoint,
    requests: sorted.length,
    rps: sorted.length / seconds,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    errors,
  };
}

const sleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }).catch(() => {});

export async function runSteps(options: RunOptions): Promise<StepReport[]> {
  const thinkMin = options.thinkMinMs ?? 5000;
  const thinkMax = options.thinkMaxMs ?? 10_000;
  const log = options.log ?? ((l: string) => console.log(l));
  const users: VirtualUser[] = [];
  const ordinals = new Map<VuRole, number>();
  let window = new Window();
  let latencySum = 0;
  let latencyN = 0;
  const record: Recorder = (s) => {
    window.add(s);
    latencySum += s.ms;
    latencyN++;
  };
  let stopped = false;
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // every sleeping user listens to it
  const loops: Promise<void>[] = [];

  const live = async (vu: VirtualUser) => {
    if (vu.account) await vu.login();
    else await vu.run('page');
    while (!stopped) {
      await sleep(thinkMin + Math.random() * (thinkMax - thinkMin), stop.signal);
      if (stopped) break;
      if (vu.account && !vu.signedIn) await vu.login();
      else await vu.run(vu.pickAction());
    }
  };

  const addUser = () => {
    const i = users.length;
    const role = roleFor(i, options.roleMix);
    const ordinal = ordinals.get(role) ?? 0;
    ordinals.set(role, ordinal + 1);
    const vu = new VirtualUser(
      i,
      role,
      role === 'public' ? undefined : accountFor(role, ordinal),
      options.target,
      (s) => record(s),
    );
    users.push(vu);
    loops.push(live(vu));
  };

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const reports: StepReport[] = [];
  try {
    for (const step of options.steps) {
      // Ramp: add the new users evenly over rampS.
      window = new Window();
      const toAdd = Math.max(0, step.vus - users.length);
      const rampStart = performance.now();
      for (let k = 0; k < toAdd; k++) {
        const due = rampStart + ((k + 1) / toAdd) * step.rampS * 1000;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        addUser();
      }
      // Errors outside the measured window (the ramp, a wait for quiet, a hold measured again) still count.
      let outside = window;
      let rampErrors = 0;
      const rampReasons = new Map<string, number>();
      const takeOutside = () => {
        rampErrors += outside.errors;
        for (const [k, v] of outside.reasons) rampReasons.set(k, (rampReasons.get(k) ?? 0) + v);
      };
      let report: StepReport | undefined;
      for (let attempt = 0; attempt < 3; attempt++) {
        await options.beforeHold?.();
        takeOutside();
        // Hold: measure.
        window = new Window();
        options.monitor?.reset();
        loop.reset();
        latencySum = 0;
        latencyN = 0;
        const cpu0 = process.cpuUsage();
        const m0 = ProcessMonitor.machineCpu();
        const t0 = performance.now();
        let peakRss = process.memoryUsage().rss;
        const live = options.liveEveryS ?? 10;
        let nextLive = t0 + live * 1000;
        while (performance.now() - t0 < step.holdS * 1000) {
          await sleep(Math.min(1000, step.holdS * 1000 - (performance.now() - t0)));
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
          if (live && performance.now() >= nextLive) {
            nextLive += live * 1000;
            const n = [...window.byEndpoint.values()].reduce((s, e) => s + e.lat.length, 0);
            const procs = options.monitor
              ? [...options.monitor.current].map(([k, v]) => `${k} ${v.cpu.toFixed(0)}%`).join(', ')
              : '';
            log(
              `  … ${users.length} users, ${(n / ((performance.now() - t0) / 1000)).toFixed(0)} req/s, ${window.errors} errors; ${procs}`,
            );
          }
        }
        const seconds = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const m1 = ProcessMonitor.machineCpu();
        const all: number[] = [];
        const endpoints: EndpointStats[] = [];
        for (const [name, e] of [...window.byEndpoint].sort(([a], [b]) => a.localeCompare(b))) {
          endpoints.push(summarize(name, e.lat, e.errors, seconds));
          for (const v of e.lat) all.push(v);
        }
        const meanLatency = latencyN ? latencySum / latencyN : 0;
        report = {
          vus: users.length,
          holdS: seconds,
          expectedRps: users.length / ((thinkMin + thinkMax) / 2000 + meanLatency / 1000),
          overall: summarize('overall', all, window.errors, seconds),
          endpoints,
          rampErrors,
          errorReasons: Object.fromEntries(window.reasons),
          processes: options.monitor?.stats() ?? [],
          machineCpu: ((m1.busy - m0.busy) / (m1.total - m0.total)) * 200,
          loadgen: {
            cpu: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
            eventLoopP99Ms: loop.percentile(99) / 1e6,
            eventLoopMaxMs: loop.max / 1e6,
            rssMb: peakRss / 1024 / 1024,
          },
          openUsers: users.length,
        };
        if (!options.acceptHold || options.acceptHold(report) || attempt === 2) break;
        log(`  (measuring ${users.length} users again)`);
        outside = window; // errors while waiting for the next attempt land here too
      }
      report!.rampErrors = rampErrors;
      for (const [k, v] of rampReasons) report!.errorReasons[`(outside the hold) ${k}`] = v;
      reports.push(report!);
      await options.onStep?.(report!);
      if (options.stopWhen?.(report!)) break;
    }
  } finally {
    stopped = true;
    stop.abort();
    loop.disable();
    // Users mid-think wake up and end; a request in flight gets a few seconds to finish.
    const grace = new AbortController();
    await Promise.race([Promise.allSettled(loops), sleep(5000, grace.signal)]);
    grace.abort();
    await Promise.all(users.map((u) => u.close()));
  }
  return reports;
}

const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');

export function printStep(r: StepReport, log: (l: string) => void = console.log) {
  log(
    `\n${r.vus} users — ${f(r.overall.rps, 0)} req/s (model ${f(r.expectedRps, 0)}), p50 ${f(r.overall.p50)} ms, ` +
      `p95 ${f(r.overall.p95)} ms, p99 ${f(r.overall.p99)} ms, errors ${r.overall.errors} (+${r.rampErrors} outside the hold: ramp, waits)`,
  );
  log(
    `${'endpoint'.padEnd(30)} ${'req'.padStart(7)} ${'req/s'.padStart(7)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)} ${'errors'.padStart(6)}`,
  );
  for (const e of [...r.endpoints, r.overall]) {
    log(
      `${e.endpoint.padEnd(30)} ${String(e.requests).padStart(7)} ${f(e.rps).padStart(7)} ${f(e.p50).padStart(7)} ${f(e.p95).padStart(7)} ${f(e.p99).padStart(7)} ${f(e.max, 0).padStart(7)} ${String(e.errors).padStart(6)}`,
    );
  }
  if (r.processes.length) {
    log(
      `${'process'.padEnd(40)} ${'n'.padStart(3)} ${'CPU avg %'.padStart(10)} ${'CPU peak %'.padStart(10)} ${'RSS peak MB'.padStart(12)} ${'PSS peak MB'.padStart(12)}`,
    );
    for (const p of r.processes)
      log(
        `${p.name.padEnd(40)} ${String(p.processes).padStart(3)} ${f(p.avgCpu).padStart(10)} ${f(p.peakCpu).padStart(10)} ${f(p.peakRssMb, 0).padStart(12)} ${f(p.peakPssMb, 0).padStart(12)}`,
      );
  }
  log(
    `machine CPU ${f(r.machineCpu)} % of 200 %; load generator (this process): CPU ${f(r.loadgen.cpu)} %, ` +
      `event-loop delay p99 ${f(r.loadgen.eventLoopP99Ms)} ms (max ${f(r.loadgen.eventLoopMaxMs, 0)}), RSS ${f(r.loadgen.rssMb, 0)} MB`,
  );
  const reasons = Object.entries(r.errorReasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length) {
    log('errors:');
    for (const [k, v] of reasons.slice(0, 10)) log(`  ${v} × ${k}`);
  }
}
