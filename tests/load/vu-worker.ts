/**
 * One generator thread of the virtual-user runner (vu.ts starts GENERATORS of them): it runs the
 * users the main thread hands it (each its own client, cookie jar and think loop, as in
 * scenarios.ts) and streams back compact samples every FLUSH_MS — endpoint index, latency and ok
 * flag as typed arrays, error reasons counted by text — plus its own event-loop delay on request.
 * Users of one seeded account are always given to the same thread, so the in-process NIN pre-check
 * budget (scenarios.ts) holds for the account as a whole.
 */
import { setPriority } from 'node:os';
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
  /** Scheduling priority of this thread (Linux nice, -20…19; 0: unchanged). */
  nice?: number;
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

/**
 * The users' think times: one timer for the whole thread instead of one per user. A hashed wheel of
 * TICK_MS slots: a user due in d ms goes into the slot d/TICK_MS ahead (with its round count when d
 * is longer than a turn of the wheel); every tick runs the slot's users whose round has come. A
 * think time is thus rounded up to the next tick (≤ TICK_MS late; 5–10 s think times, 10 ms ticks).
 */
export class Wheel {
  static readonly TICK_MS = 10;
  static readonly SLOTS = 1024;
  /** Per slot: user k and its remaining rounds, as parallel growing lists. */
  private readonly users: number[][] = Array.from({ length: Wheel.SLOTS }, () => []);
  private readonly rounds: number[][] = Array.from({ length: Wheel.SLOTS }, () => []);
  private slot = 0;
  private readonly start = performance.now();
  private ticks = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly due: (k: number) => void) {
    this.timer = setInterval(() => this.tick(), Wheel.TICK_MS);
  }

  /** User k is due in `ms` from now (counted from the clock, not from the last tick run). */
  add(k: number, ms: number) {
    const dueTick = Math.ceil((performance.now() + ms - this.start) / Wheel.TICK_MS);
    const ahead = Math.max(1, dueTick - this.ticks);
    const slot = (this.slot + ahead) % Wheel.SLOTS;
    this.users[slot]!.push(k);
    this.rounds[slot]!.push(Math.floor((ahead - 1) / Wheel.SLOTS));
  }

  /** Catch up with the clock (a late interval runs the slots it missed), then run what is due. */
  private tick() {
    const target = Math.floor((performance.now() - this.start) / Wheel.TICK_MS);
    while (this.ticks < target) {
      this.ticks++;
      this.slot = (this.slot + 1) % Wheel.SLOTS;
      const users = this.users[this.slot]!;
      if (!users.length) continue;
      const rounds = this.rounds[this.slot]!;
      const dueNow: number[] = [];
      let keep = 0;
      for (let i = 0; i < users.length; i++) {
        if (rounds[i]! === 0) dueNow.push(users[i]!);
        else {
          users[keep] = users[i]!;
          rounds[keep++] = rounds[i]! - 1;
        }
      }
      users.length = keep;
      rounds.length = keep;
      for (const k of dueNow) this.due(k);
    }
  }

  stop() {
    clearInterval(this.timer);
  }
}

if (parentPort) {
  const port = parentPort;
  const { target, thinkMinMs, thinkMaxMs, ninSalt, nice } = workerData as GeneratorData;
  useNinSalt(ninSalt);
  // On Linux a nice value is per thread: pid 0 is this thread. Raising priority needs root (else ignored).
  if (nice)
    try {
      setPriority(0, nice);
    } catch {
      // not permitted: the default priority
    }
  const samples = new SampleBuffer();
  const users: VirtualUser[] = [];
  let stopped = false;
  let inflight = 0;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const flushTimer = setInterval(() => samples.send(), FLUSH_MS);
  const wheel = new Wheel((k) => void turn(k, false));

  const think = () => thinkMinMs + Math.random() * (thinkMaxMs - thinkMinMs);

  /** One turn of user k: its first (sign in, or a page for the public) or the next of its mix. */
  const turn = async (k: number, first: boolean) => {
    if (stopped) return;
    const vu = users[k]!;
    inflight++;
    try {
      if (vu.account && !vu.signedIn) await vu.login();
      else await vu.run(first ? 'page' : vu.pickAction());
    } catch (err) {
      samples.record({ endpoint: 'harness', ms: 0, status: 0, ok: false, reason: String(err) });
    } finally {
      inflight--;
    }
    if (!stopped) wheel.add(k, think());
  };

  const stop = async () => {
    stopped = true;
    wheel.stop();
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
