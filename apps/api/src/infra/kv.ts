import type { Redis } from 'ioredis';
import type { RedisCircuit } from './redis.js';

/**
 * Small shared state: the session cache, caches, rate-limit counters. Redis when configured (shared by
 * every process and machine), memory in the single-process embedded mode. Nothing here may be the only
 * copy of security state: callers must work (or fail closed) when Redis is away.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(keys: string[]): Promise<void>;
  /** Add `by` (one by default) to a counter; the window starts with the first increment. */
  incr(key: string, windowMs: number, by?: number): Promise<{ count: number; ttlMs: number }>;
  ttl(key: string): Promise<number>;
  ping(): Promise<void>;
}

/**
 * Every call goes through the circuit breaker (when given): while Redis is away or hung, calls fail
 * at once and the callers fall back (sessions to PostgreSQL) instead of each waiting for a timeout.
 */
export class RedisStore implements KeyValueStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly circuit?: RedisCircuit,
  ) {}
  private run<T>(fn: () => Promise<T>): Promise<T> {
    return this.circuit ? this.circuit.run(fn) : fn();
  }
  get(key: string) {
    return this.run(() => this.redis.get(this.prefix + key));
  }
  async set(key: string, value: string, ttlMs: number) {
    await this.run(() => this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs))));
  }
  async del(keys: string[]) {
    if (keys.length) await this.run(() => this.redis.del(...keys.map((k) => this.prefix + k)));
  }
  async incr(key: string, windowMs: number, by = 1) {
    const k = this.prefix + key;
    // The replies of INCRBY, PEXPIRE (1 when it set the expiry: skipped) and PTTL, in that order.
    const [[, count], , [, ttl]] = (await this.run(() =>
      this.redis.multi().incrby(k, by).pexpire(k, windowMs, 'NX').pttl(k).exec(),
    )) as [[null, number], [null, number], [null, number]];
    return { count, ttlMs: ttl > 0 ? ttl : windowMs };
  }
  async ttl(key: string) {
    const t = await this.run(() => this.redis.pttl(this.prefix + key));
    return t > 0 ? t : 0;
  }
  async ping() {
    await this.run(() => this.redis.ping());
  }
}

export class MemoryStore implements KeyValueStore {
  private readonly map = new Map<string, { value: string; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;
  constructor() {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }
  private live(key: string) {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    return entry;
  }
  private sweep() {
    const now = Date.now();
    for (const [k, v] of this.map) if (v.expiresAt <= now) this.map.delete(k);
  }
  async get(key: string) {
    return this.live(key)?.value ?? null;
  }
  async set(key: string, value: string, ttlMs: number) {
    this.map.set(key, { value, expiresAt: Date.now() + ttlMs });
  }
  async del(keys: string[]) {
    for (const k of keys) this.map.delete(k);
  }
  async incr(key: string, windowMs: number, by = 1) {
    const entry = this.live(key);
    if (!entry) {
      this.map.set(key, { value: String(by), expiresAt: Date.now() + windowMs });
      return { count: by, ttlMs: windowMs };
    }
    entry.value = String(Number(entry.value) + by);
    return { count: Number(entry.value), ttlMs: entry.expiresAt - Date.now() };
  }
  async ttl(key: string) {
    const entry = this.live(key);
    return entry ? entry.expiresAt - Date.now() : 0;
  }
  async ping() {}
  close() {
    clearInterval(this.sweeper);
  }
}
