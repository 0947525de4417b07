import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RouteOptions } from 'fastify';
import { MemoryStore, type KeyValueStore } from './kv.js';

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A rate-limit store that counts in Redis (shared by every API process) and, while Redis is away or
 * hung, in this process instead: limits keep applying during an outage (each process counting on its
 * own, so a cluster of N processes allows up to N times the limit) rather than switching off.
 *
 * `shared` should fail fast while Redis is away (a `RedisStore` behind the circuit breaker), so a
 * request pays at most one command timeout before the fallback takes over.
 */
export function failoverRateLimitStore(
  shared: KeyValueStore,
  onFallback?: (err: unknown) => void,
): FastifyRateLimitStoreCtor {
  const local = new MemoryStore();
  class FailoverStore implements FastifyRateLimitStore {
    private readonly prefix: string;
    constructor(_options: FastifyRateLimitOptions, prefix = '') {
      this.prefix = prefix;
    }
    incr(key: string, callback: IncrCallback, timeWindow: number): void {
      const k = this.prefix + key;
      shared.incr(k, timeWindow).then(
        ({ count, ttlMs }) => callback(null, { current: count, ttl: ttlMs }),
        async (err: unknown) => {
          onFallback?.(err);
          const { count, ttlMs } = await local.incr(k, timeWindow);
          callback(null, { current: count, ttl: ttlMs });
        },
      );
    }
    child(routeOptions: RouteOptions & { path: string; prefix: string }): FastifyRateLimitStore {
      const info = (routeOptions as unknown as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      return new FailoverStore({}, `${this.prefix}${String(info?.method ?? '')}${info?.url ?? ''}-`);
    }
  }
  return FailoverStore;
}
