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

/**
 * Wait for the first connection attempt to settle (ready, or an error such as ECONNREFUSED), at most
 * `timeoutMs`. A client without an offline queue refuses commands until it is ready; this keeps the
 * first requests after start-up from failing while a healthy Redis is still being dialled, and never
 * blocks start-up on a dead one.
 */
export async function firstConnection(client: Redis, timeoutMs = 2000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    client.once('ready', done);
    client.once('error', done);
  });
}
