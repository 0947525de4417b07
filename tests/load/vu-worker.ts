/**
 * One generator thread of the virtual-user runner (vu.ts starts GENERATORS of them): it runs the
 * users the main thread hands it (each its own client, cookie jar and think loop, as in
 * scenarios.ts) and streams back compact samples every FLUSH_MS — endpoint index, latency and ok
 * flag as typed arrays, error reasons counted by text — plus its own event-loop delay on request.
 * Users of one seeded account are always given to the same thread, so the in-process NIN pre-check
 * budget (scenarios.ts) holds for the account as a whole.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { StaffRole } from '@oslrs/core';
import { VirtualUser, accountFor, useNinSalt, type Sample, type TargetInfo, type VuRole } from './scenarios.js';

export interface GeneratorData {
  target: TargetInfo;
  thinkMinMs: number;
  thinkMaxMs: number;
  /** Distinct per thread, so fresh NINs never collide across threads. */
  ninSalt: number;
}

/** [global index (source address), role, ordinal within the role]. */
export type NewUser = [number, VuRole, number];

export type ToGenerator = { t: 'add'; users: NewUser[] } | { t: 'flush'; id: number } | { t: 'stop' };

export interface SampleBatch {
  t: 'samples';
  /** Endpoint names first seen since the previous batch (indexes continue this thread's list). */
  names: string[];
  endpoint: Uint16Array;
  ms: Float64Array;
  ok: Uint8Array;
  /** `${endpoint}: ${reason}` → count, errors only. */
  reasons: [string, number][];
}

export type FromGenerator =
  | { t: 'ready' }
  | SampleBatch
  /** After every sample recorded so far: this thread's event-loop delay since the previous flush. */
  | { t: 'flushed'; id: number; loopP99Ms: number; loopMaxMs: number }
  | { t: 'closed' };

const FLUSH_MS = 250;

class SampleBuffer {
  private endpoint = new Uint16Array(4096);
  private ms = new Float64Array(4096);
  private ok = new Uint8Array(4096);
  private n = 0;
  private readonly index = new Map<string, number>();
  private newNames: string[] = [];
  private reasons = new Map<string, number>();

  readonly record = (s: Sample) => {
    let e = this.index.get(s.endpoint);
    if (e === undefined) {
      e = this.index.size;
      this.index.set(s.endpoint, e);
      this.newNames.push(s.endpoint);
    }
    if (this.n === this.ms.length) this.grow();
    this.endpoint[this.n] = e;
    this.ms[this.n] = s.ms;
    this.ok[this.n] = s.ok ? 1 : 0;
    this.n++;
    if (!s.ok) {
      const key = `${s.endpoint}: ${s.reason}`;
      this.reasons.set(key, (this.reasons.get(key) ?? 0) + 1);
    }
  };

  private grow() {
    const size = this.ms.length * 2;
    const endpoint = new Uint16Array(size);
    endpoint.set(this.endpoint);
    const ms = new Float64Array(size);
    ms.set(this.ms);
    const ok = new Uint8Array(size);
    ok.set(this.ok);
    this.endpoint = endpoint;
    this.ms = ms;
    this.ok = ok;
  }

  /** Send what was recorded (copies of the used part; the buffers are reused). */
  send() {
    if (!this.n && !this.newNames.length) return;
    const batch: SampleBatch = {
      t: 'samples',
      names: this.newNames,
      endpoint: this.endpoint.slice(0, this.n),
      ms: this.ms.slice(0, this.n),
      ok: this.ok.slice(0, this.n),
      reasons: [...this.reasons],
    };
    parentPort!.postMessage(batch, [batch.endpoint.buffer, batch.ms.buffer, batch.ok.buffer] as ArrayBuffer[]);
    this.n = 0;
    this.newNames = [];
    if (this.reasons.size) this.reasons = new Map();
  }
}

if (parentPort) {
  const port = parentPort;
  const { target, thinkMinMs, thinkMaxMs, ninSalt } = workerData as GeneratorData;
  useNinSalt(ninSalt);
  const samples = new SampleBuffer();
  const users: VirtualUser[] = [];
  const timers: (NodeJS.Timeout | undefined)[] = [];
  let stopped = false;
  let inflight = 0;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const flushTimer = setInterval(() => samples.send(), FLUSH_MS);

  const think = () => thinkMinMs + Math.random() * (thinkMaxMs - thinkMinMs);

  /** One turn of user k: its first (sign in, or a page for the public) or the next of its mix. */
  const turn = async (k: number, first: boolean) => {
    timers[k] = undefined;
    if (stopped) return;
    const vu = users[k]!;
    inflight++;
    try {
      if (vu.account && !vu.signedIn) await vu.login();
      else await vu.run(first ? 'page' : vu.pickAction());
    } catch (err) {
      samples.record({ endpoint: 'harness', ms: 0, status: 0, ok: false, reason: String(err), at: Date.now() });
    } finally {
      inflight--;
    }
    if (!stopped) timers[k] = setTimeout(turn, think(), k, false);
  };

  const stop = async () => {
    stopped = true;
    for (const t of timers) if (t) clearTimeout(t);
    // A request in flight gets a few seconds to finish.
    const until = performance.now() + 5000;
    while (inflight > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(users.map((u) => u.close()));
    clearInterval(flushTimer);
    samples.send();
    loop.disable();
    port.postMessage({ t: 'closed' } satisfies FromGenerator);
    port.close();
  };

  port.on('message', (m: ToGenerator) => {
    switch (m.t) {
      case 'add':
        for (const [index, role, ordinal] of m.users) {
          const account = role === 'public' ? undefined : accountFor(role as StaffRole, ordinal);
          users.push(new VirtualUser(index, role, account, target, samples.record));
          void turn(users.length - 1, true);
        }
        return;
      case 'flush':
        samples.send();
        port.postMessage({
          t: 'flushed',
          id: m.id,
          loopP99Ms: loop.percentile(99) / 1e6,
          loopMaxMs: loop.max / 1e6,
        } satisfies FromGenerator);
        loop.reset();
        return;
      case 'stop':
        void stop();
        return;
    }
  });
  port.postMessage({ t: 'ready' } satisfies FromGenerator);
}
