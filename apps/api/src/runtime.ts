import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import pino, { type DestinationStream } from 'pino';
import type { Config } from './config.js';
import { createPglite, createPostgres, type Database } from './infra/db.js';
import { MemoryStore, RedisStore, type KeyValueStore } from './infra/kv.js';
import { BullJobQueue, InProcessJobQueue, type JobQueue } from './infra/queue.js';
import { OutboxMailer, type Mailer } from './infra/mail.js';
import { createRedis, firstConnection } from './infra/redis.js';
import { createMetrics, instrumentQueue, type Metrics } from './infra/metrics.js';
import { loggerOptions } from './logging.js';

/** Everything a process holds on to: the adapters, chosen once from the configuration. */
export interface Runtime {
  config: Config;
  log: FastifyBaseLogger;
  database: Database;
  redis: Redis | undefined;
  kv: KeyValueStore;
  queue: JobQueue;
  mailer: Mailer;
  metrics: Metrics;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logStream?: DestinationStream;
  /** Tests: a database already created by the harness. */
  database?: Database;
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const log = pino(loggerOptions(config.logLevel), options.logStream ?? process.stdout) as FastifyBaseLogger;
  const database =
    options.database ??
    (config.databaseUrl
      ? createPostgres(config.databaseUrl, config.dbPoolMax, { ownerUrl: config.databaseOwnerUrl })
      : await createPglite(`${config.dataDir}/pglite`));

  let redis: Redis | undefined;
  let queueConnection: Redis | undefined;
  let kv: KeyValueStore;
  let queue: JobQueue;
  const onRedisError = (err: Error) => log.warn({ err: { message: err.message } }, 'redis error');
  if (config.redisUrl) {
    // The request path (session cache, rate limits, readiness) must not wait on a Redis that is away:
    // with an offline queue, each command would wait through reconnect attempts (seconds each, growing)
    // before failing. Without one it fails at once, and every caller falls back or skips.
    redis = createRedis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false }, onRedisError);
    // BullMQ wants its own blocking-capable connection that retries forever.
    queueConnection = createRedis(config.redisUrl, { maxRetriesPerRequest: null }, onRedisError);
    await Promise.all([firstConnection(redis), firstConnection(queueConnection)]);
    kv = new RedisStore(redis, config.redisPrefix);
    queue = new BullJobQueue(queueConnection, `${config.redisPrefix}bull`, onRedisError, config.workerConcurrency);
  } else {
    kv = new MemoryStore();
    queue = new InProcessJobQueue((err) => log.error({ err }, 'job failed'));
  }
  const metrics = createMetrics({ database, queue });
  queue = instrumentQueue(queue, metrics);

  return {
    config,
    log,
    database,
    redis,
    kv,
    queue,
    mailer: new OutboxMailer(),
    metrics,
    async close() {
      await queue.close();
      if (kv instanceof MemoryStore) kv.close();
      redis?.disconnect();
      queueConnection?.disconnect();
      if (!options.database) await database.close();
    },
  };
}
