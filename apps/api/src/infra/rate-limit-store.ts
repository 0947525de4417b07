import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RouteOptions } from 'fastify';
import { MemoryStore, type KeyValueStore } from './kv.js';
import { BoundedMap } from './bounded-map.js';

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** Limits at least this high (per window) are counted in leases; lower ones one request at a time. */
export const LEASE_FROM = 500;
const LEASE_MAX = 50;
const MAX_KEYS = 20_000;

interface Lease {
  /** When the shared window ends (Redis's expiry for the key, as of the lease). */
  windowEnds: number;
  /** The next number of this lease to hand out, and its last one. */
  next: number;
  last: number;
}

/** How many numbers to take at once: 1 under LEASE_FROM; above it a sixteenth of what is left, at most 50. */
export function leaseSize(max: number, countSoFar: number | undefined): number {
  if (max < LEASE_FROM || countSoFar === undefined) return 1;
  return Math.max(1, Math.min(LEASE_MAX, Math.floor((max - countSoFar) / 16)));
}

/**
 * A rate-limit store that counts in Redis (shared by every API process) and, while Redis is away or
 * hung, in this process instead: limits keep applying during an outage (each process counting on its
 * own, so a cluster of N processes allows up to N times the limit) rather than switching off.
 *
 * Without a round trip per request. Every request of a window gets a number from the shared counter
 * and passes when that number is at most the limit — so all processes together never let more than
 * the limit through. A process takes its numbers in leases (INCRBY n, see `leaseSize`) and hands them
 * out locally: a signed-in person's 1,000 a minute cost one Redis command per up to 50 requests. A
 * lease can end the window unused in a process that gets no more requests from that key, so up to
 * (processes − 1) × lease of a high limit may go unused; limits under LEASE_FROM (anonymous callers,
 * logins, searches) take one number at a time and are exact. Once a process holds a number past the
 * limit it refuses that key locally until the window ends: a flood costs Redis nothing.
 *
 * `shared` should fail fast while Redis is away (a `RedisStore` behind the circuit breaker), so a
 * request pays at most one command timeout before the fallback takes over.
 */
export function failoverRateLimitStore(
  shared: KeyValueStore,
  onFallback?: (err: unknown) => void,
): FastifyRateLimitStoreCtor {
  const local = new MemoryStore();
  const leases = new BoundedMap<string, Lease>(MAX_KEYS);
  /** Requests waiting for a lease being fetched for their key (one fetch per key at a time). */
  const waiting = new Map<string, IncrCallback[]>();
  /** Answer from this process's lease if it can: a number of it, or one past a limit already reached. */
  const fromLease = (k: string, callback: IncrCallback, max: number | undefined): boolean => {
    const lease = leases.get(k);
    const now = Date.now();
    if (!lease || lease.windowEnds <= now) return false;
    if (lease.next <= lease.last) {
      callback(null, { current: lease.next++, ttl: lease.windowEnds - now });
      return true;
    }
    if (max !== undefined && lease.last >= max) {
      callback(null, { current: lease.last + 1, ttl: lease.windowEnds - now });
      return true;
    }
    return false;
  };
  const fetchLease = (k: string, timeWindow: number, max: number | undefined, queue: IncrCallback[]) => {
    waiting.set(k, queue);
    const held = leases.get(k);
    const known = held && held.windowEnds > Date.now() ? held.last : undefined;
    // Enough for everyone already waiting (they use theirs at once, so none is left unused).
    const by = max === undefined ? 1 : Math.max(leaseSize(max, known), queue.length);
    shared.incr(k, timeWindow, by).then(
      ({ count, ttlMs }) => {
        waiting.delete(k);
        leases.set(k, { windowEnds: Date.now() + ttlMs, next: count - by + 1, last: count });
        for (let i = 0; i < queue.length; i++) {
          if (!fromLease(k, queue[i]!, max)) {
            fetchLease(k, timeWindow, max, queue.slice(i));
            return;
          }
        }
      },
      (err: unknown) => {
        waiting.delete(k);
        leases.delete(k);
        onFallback?.(err);
        for (const callback of queue)
          void local.incr(k, timeWindow).then(({ count, ttlMs }) => callback(null, { current: count, ttl: ttlMs }));
      },
    );
  };
  class FailoverStore implements FastifyRateLimitStore {
    private readonly prefix: string;
    constructor(_options: FastifyRateLimitOptions, prefix = '') {
      this.prefix = prefix;
    }
    incr(key: string, callback: IncrCallback, timeWindow: number, max?: number): void {
      const k = this.prefix + key;
      const queue = waiting.get(k);
      if (queue) queue.push(callback);
      else if (!fromLease(k, callback, max)) fetchLease(k, timeWindow, max, [callback]);
    }
    child(routeOptions: RouteOptions & { path: string; prefix: string }): FastifyRateLimitStore {
      const info = (routeOptions as unknown as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      return new FailoverStore({}, `${this.prefix}${String(info?.method ?? '')}${info?.url ?? ''}-`);
    }
  }
  return FailoverStore;
}
