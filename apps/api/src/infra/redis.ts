import { Redis, type RedisOptions } from 'ioredis';

/** A Redis connection that reports failures through `onError` instead of crashing the process. */
export function createRedis(url: string, options: RedisOptions = {}, onError?: (err: Error) => void): Redis {
  const client = new Redis(url, {
    lazyConnect: false,
    enableAutoPipelining: true,
    ...options,
  });
  client.on('error', (err: Error) => onError?.(err));
  return client;
}
