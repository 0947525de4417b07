/**
 * The virtual-user runner: a population of users that grows step by step (ramp, then hold), each
 * user with its own keep-alive connection, cookie jar and loopback address, sending one request
 * every THINK_MIN_MS–THINK_MAX_MS (uniform; 5–10 s by default) picked from its role's mix. A step's
 * figures (req/s, p50/p95/p99, errors per endpoint and overall) come from its hold window only;
 * errors in its ramp are counted too. The load generator's own CPU and event-loop delay are measured
 * in the same windows, because it shares the machine with the server.
 *
 * The users run in GENERATORS worker threads (env, default 2; vu-worker.ts); this thread only
 * orchestrates (ramp, hold windows, monitor, reports) and receives compact samples from them every
 * 250 ms. Public users are dealt round robin; all users of one seeded staff account go to the same
 * thread (thread = account number % GENERATORS), so the per-account NIN pre-check budget holds.
 * The load generator's CPU is the whole process (all threads, the /proc sampling of a monitor in this
 * thread included, and reported apart); its event-loop delay p99/max is the largest over the
 * generator threads, which time the requests (this thread's is reported apart). Each generator thread
 * runs its users' think times on one timing wheel and its requests through undici's dispatch with a
 * minimal handler (scenarios.ts); `npm run bench:gen` measures what that costs per request and user.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { StaffRole } from '@oslrs/core';
import { STAFF_PLAN } from './accounts.js';
import { ProcessMonitor, type GroupStats } from './monitor.js';
import { roleFor, type TargetInfo, type VuRole } from './scenarios.js';
import type { FromGenerator, GeneratorData, SampleBatch, ToGenerator } from './vu-worker.js';

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
  /**
   * The load generator's process: CPU (every thread, % of a core; `monitorCpu` of it is the /proc
   * sampling, which runs in the main thread); event-loop delay of the generator threads, which time
   * the requests (p99 and max, the largest over them), and of the main thread (orchestration and the
   * /proc sampling: it times no request); peak RSS.
   */
  loadgen: {
    cpu: number;
    monitorCpu: number;
    eventLoopP99Ms: number;
    eventLoopMaxMs: number;
    mainLoopP99Ms: number;
    rssMb: number;
  };
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
  /** Generator threads running the users (default: GENERATORS, else 2). */
  generators?: number;
  /**
   * Nice value of the generator threads (default: GEN_NICE, else 0 = unchanged). Below 0 (root only)
   * they are served before the stack when the machine is saturated: the latencies they time are then
   * the stack's, not their own wait for a core (the CPU they use is the same).
   */
  nice?: number;
}

class Window {
  readonly byEndpoint = new Map<string, { lat: number[]; errors: number }>();
  readonly reasons = new Map<string, number>();
  errors = 0;
  requests = 0;
  add(endpoint: string, ms: number, ok: boolean) {
    let e = this.byEndpoint.get(endpoint);
    if (!e) this.byEndpoint.set(endpoint, (e = { lat: [], errors: 0 }));
    e.lat.push(ms);
    this.requests++;
    if (!ok) {
      e.errors++;
      this.errors++;
    }
  }
  addReason(key: string, n: number) {
    this.reasons.set(key, (this.reasons.get(key) ?? 0) + n);
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

const sleep = (ms: number) => delay(ms);

/**
 * A worker thread does not inherit `--import tsx`: it registers tsx itself, then loads the generator
 * (TypeScript) module.
 */
const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./vu-worker.ts', import.meta.url).href)}); })
  .catch((err) => { console.error(err); process.exit(1); });`;

/** A generator thread as seen from here. */
class Generator {
  readonly worker: Worker;
  /** This thread's endpoint names, by the index its samples carry. */
  readonly names: string[] = [];
  readonly ready: Promise<void>;
  readonly closed: Promise<void>;
  private readonly flushes = new Map<number, (r: { loopP99Ms: number; loopMaxMs: number }) => void>();
  private nextId = 0;
  failure?: Error;

  constructor(data: GeneratorData, onSamples: (g: Generator, b: SampleBatch) => void) {
    this.worker = new Worker(WORKER_BOOT, { eval: true, workerData: data });
    let ready!: () => void;
    let closed!: () => void;
    this.ready = new Promise<void>((resolve) => (ready = resolve));
    this.closed = new Promise<void>((resolve) => (closed = resolve));
    this.worker.on('message', (m: FromGenerator) => {
      if (m.t === 'samples') onSamples(this, m);
      else if (m.t === 'flushed') {
        this.flushes.get(m.id)?.(m);
        this.flushes.delete(m.id);
      } else if (m.t === 'ready') ready();
      else if (m.t === 'closed') closed();
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      ready();
      closed();
      for (const resolve of this.flushes.values()) resolve({ loopP99Ms: NaN, loopMaxMs: NaN });
      this.flushes.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`generator thread exited (${code})`)));
  }

  post(m: ToGenerator) {
    if (!this.failure) this.worker.postMessage(m);
  }

  /** Every sample this thread recorded so far has arrived here when this resolves. */
  flush(): Promise<{ loopP99Ms: number; loopMaxMs: number }> {
    if (this.failure) return Promise.resolve({ loopP99Ms: NaN, loopMaxMs: NaN });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.flushes.set(id, resolve);
      this.worker.postMessage({ t: 'flush', id } satisfies ToGenerator);
    });
  }
}

export async function runSteps(options: RunOptions): Promise<StepReport[]> {
  const thinkMin = options.thinkMinMs ?? 5000;
  const thinkMax = options.thinkMaxMs ?? 10_000;
  const log = options.log ?? ((l: string) => console.log(l));
  const count = Math.max(1, Math.floor(options.generators ?? Number(process.env.GENERATORS ?? 2)) || 1);
  let users = 0;
  const ordinals = new Map<VuRole, number>();
  let publicUsers = 0;
  let window = new Window();
  let latencySum = 0;
  let latencyN = 0;
  const onSamples = (g: Generator, b: SampleBatch) => {
    for (const name of b.names) g.names.push(name);
    const w = window;
    for (let i = 0; i < b.ms.length; i++) {
      const ms = b.ms[i]!;
      w.add(g.names[b.endpoint[i]!]!, ms, b.ok[i] === 1);
      latencySum += ms;
      latencyN++;
    }
    for (const [key, n] of b.reasons) w.addReason(key, n);
  };
  // Distinct NIN salts per thread (fresh NINs are salt × 10⁶ + a counter, see scenarios.ts).
  const saltBase = 500 + Math.floor(Math.random() * (9000 - count));
  const generators = Array.from(
    { length: count },
    (_, k) =>
      new Generator(
        {
          target: options.target,
          thinkMinMs: thinkMin,
          thinkMaxMs: thinkMax,
          ninSalt: saltBase + k,
          nice: options.nice ?? Number(process.env.GEN_NICE ?? 0),
        },
        onSamples,
      ),
  );
  const failed = () => generators.find((g) => g.failure)?.failure;
  /** All samples recorded so far are in; the threads' event-loop delay since the previous flush. */
  const flushAll = async () => {
    const loops = await Promise.all(generators.map((g) => g.flush()));
    const err = failed();
    if (err) throw err;
    return loops;
  };

  const addUser = () => {
    const i = users++;
    const role = roleFor(i, options.roleMix);
    const ordinal = ordinals.get(role) ?? 0;
    ordinals.set(role, ordinal + 1);
    const thread = role === 'public' ? publicUsers++ % count : (ordinal % STAFF_PLAN[role as StaffRole]) % count;
    generators[thread]!.post({ t: 'add', users: [[i, role, ordinal]] });
  };

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const reports: StepReport[] = [];
  try {
    await Promise.all(generators.map((g) => g.ready));
    if (failed()) throw failed();
    for (const step of options.steps) {
      // Ramp: add the new users evenly over rampS.
      window = new Window();
      const toAdd = Math.max(0, step.vus - users);
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
        await flushAll(); // what happened before the hold lands outside it; resets the threads' loop delay
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
            const procs = options.monitor
              ? [...options.monitor.current].map(([k, v]) => `${k} ${v.cpu.toFixed(0)}%`).join(', ')
              : '';
            log(
              `  … ${users} users, ${(window.requests / ((performance.now() - t0) / 1000)).toFixed(0)} req/s, ${window.errors} errors; ${procs}`,
            );
          }
        }
        const seconds = (performance.now() - t0) / 1000;
        // process.cpuUsage covers every thread of the process: this one and the generators.
        const cpu = process.cpuUsage(cpu0);
        const m1 = ProcessMonitor.machineCpu();
        const threadLoops = await flushAll();
        const loopP99 = Math.max(...threadLoops.map((l) => l.loopP99Ms));
        const loopMax = Math.max(...threadLoops.map((l) => l.loopMaxMs));
        const all: number[] = [];
        const endpoints: EndpointStats[] = [];
        for (const [name, e] of [...window.byEndpoint].sort(([a], [b]) => a.localeCompare(b))) {
          endpoints.push(summarize(name, e.lat, e.errors, seconds));
          for (const v of e.lat) all.push(v);
        }
        const meanLatency = latencyN ? latencySum / latencyN : 0;
        report = {
          vus: users,
          holdS: seconds,
          expectedRps: users / ((thinkMin + thinkMax) / 2000 + meanLatency / 1000),
          overall: summarize('overall', all, window.errors, seconds),
          endpoints,
          rampErrors,
          errorReasons: Object.fromEntries(window.reasons),
          processes: options.monitor?.stats() ?? [],
          machineCpu: ((m1.busy - m0.busy) / (m1.total - m0.total)) * 200,
          loadgen: {
            cpu: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
            monitorCpu: options.monitor?.ownCpu() ?? 0,
            eventLoopP99Ms: loopP99,
            eventLoopMaxMs: loopMax,
            mainLoopP99Ms: loop.percentile(99) / 1e6,
            rssMb: peakRss / 1024 / 1024,
          },
          openUsers: users,
        };
        // Samples completed after the hold (while flushing) go to the next window, outside any hold.
        window = new Window();
        if (!options.acceptHold || options.acceptHold(report) || attempt === 2) break;
        log(`  (measuring ${users} users again)`);
        outside = window; // errors while waiting for the next attempt land here too
      }
      report!.rampErrors = rampErrors;
      for (const [k, v] of rampReasons) report!.errorReasons[`(outside the hold) ${k}`] = v;
      reports.push(report!);
      await options.onStep?.(report!);
      if (options.stopWhen?.(report!)) break;
    }
  } finally {
    loop.disable();
    // Users mid-think end; a request in flight gets a few seconds to finish (in each thread).
    for (const g of generators) g.post({ t: 'stop' });
    await Promise.race([Promise.all(generators.map((g) => g.closed)), sleep(10_000)]);
    await Promise.all(generators.map((g) => g.worker.terminate()));
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
    `machine CPU ${f(r.machineCpu)} % of 200 %; load generator (this process): CPU ${f(r.loadgen.cpu)} % ` +
      `(of which /proc sampling ${f(r.loadgen.monitorCpu)} %), ${f((r.loadgen.cpu / 100 / r.overall.rps) * 1e6, 0)} µs per request; ` +
      `event-loop delay p99 ${f(r.loadgen.eventLoopP99Ms)} ms (max ${f(r.loadgen.eventLoopMaxMs, 0)}) in the generator threads, ` +
      `${f(r.loadgen.mainLoopP99Ms)} ms in the main thread; RSS ${f(r.loadgen.rssMb, 0)} MB`,
  );
  const reasons = Object.entries(r.errorReasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length) {
    log('errors:');
    for (const [k, v] of reasons.slice(0, 10)) log(`  ${v} × ${k}`);
  }
}
