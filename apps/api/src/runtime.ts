import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import pino, { type DestinationStream } from 'pino';
import type { Config } from './config.js';
import { createPglite, createPostgres, type Database } from './infra/db.js';
import { ReadRouter } from './infra/replica.js';
import { MemoryStore, RedisStore, type KeyValueStore } from './infra/kv.js';
import { LocalBroadcast, RedisBroadcast, type Broadcast } from './infra/broadcast.js';
import { BullJobQueue, InProcessJobQueue, type JobQueue } from './infra/queue.js';
import { OutboxMailer, type Mailer } from './infra/mail.js';
import { createRedis, firstConnection, requestPathOptions, RedisCircuit } from './infra/redis.js';
import { createMetrics, instrumentQueue, type Metrics } from './infra/metrics.js';
import { appendingFile, batchedStdout, loggerOptions, prettyStdout } from './logging.js';
import { PiiCipher, loadPiiKeys } from './infra/pii.js';

/** Everything a process holds on to: the adapters, chosen once from the configuration. */
export interface Runtime {
  config: Config;
  log: FastifyBaseLogger;
  /** Where `log` writes: the access line (one per request) is written here directly (see accessLine). */
  logSink: DestinationStream;
  database: Database;
  /** Reads that may be a little behind (marketplace search): the replica when it keeps up, else the primary. */
  reads: ReadRouter;
  redis: Redis | undefined;
  /** Fails Redis calls fast while Redis is away or hung (undefined without Redis). */
  redisCircuit: RedisCircuit | undefined;
  kv: KeyValueStore;
  /** Messages to every API process (in-process caches that must forget at once). */
  broadcast: Broadcast;
  queue: JobQueue;
  mailer: Mailer;
  metrics: Metrics;
  /** Seals NINs and phones, and their blind index. */
  pii: PiiCipher;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logStream?: DestinationStream;
  /** Tests: a database already created by the harness. */
  database?: Database;
  /** Benchmarks: another cipher (tests/load/pii-bench.ts compares against storing plaintext). */
  pii?: PiiCipher;
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  // Lines are written in batches, at most one write every 20 ms (see batchedStdout).
  // JSON in production (and whenever the output is a file or a pipe); readable lines in a terminal.
  const logSink =
    options.logStream ??
    (config.logFile
      ? appendingFile(config.logFile)
      : process.stdout.isTTY && config.env !== 'production'
        ? prettyStdout()
        : batchedStdout());
  const log = pino(loggerOptions(config.logLevel), logSink) as FastifyBaseLogger;
  const pii =
    options.pii ??
    new PiiCipher(
      loadPiiKeys(config.pii, (file) =>
        log.warn(
          { file },
          'generated the NIN/phone encryption keys and stored them in this file (once): back it up with the data; without it, NINs and phones cannot be read',
        ),
      ),
    );
  const database =
    options.database ??
    (config.databaseUrl
      ? createPostgres(config.databaseUrl, config.dbPoolMax, { ownerUrl: config.databaseOwnerUrl })
      : await createPglite(`${config.dataDir}/pglite`));

  let redis: Redis | undefined;
  let redisCircuit: RedisCircuit | undefined;
  let queueConnection: Redis | undefined;
  let kv: KeyValueStore;
  let broadcast: Broadcast;
  let queue: JobQueue;
  const onRedisError = (err: Error) => log.warn({ err: { message: err.message } }, 'redis error');
  if (config.redisUrl) {
    // The request path (session cache, rate limits, readiness) must not wait on a Redis that is away
    // or hung: no offline queue (a command fails at once while disconnected), a command timeout (a
    // paused Redis keeps the connection open and would never answer), and a circuit breaker so that
    // only the first request after Redis stops answering pays that timeout.
    redis = createRedis(config.redisUrl, requestPathOptions(config.redisTimeouts), onRedisError);
    redisCircuit = new RedisCircuit(
      redis,
      config.redisTimeouts.retryAfterMs,
      (open, err) =>
        open
          ? log.warn({ err: { message: err?.message } }, 'redis not answering: using fallbacks')
          : log.info('redis answering again'),
      config.redisTimeouts.commandTimeoutMs,
    );
    // BullMQ wants its own connection that retries forever; its worker blocks on a duplicate of it,
    // so the command timeout given here is dropped there (see BullJobQueue).
    queueConnection = createRedis(
      config.redisUrl,
      {
        maxRetriesPerRequest: null,
        // Bounded, but not the request path's 500 ms: the relay re-delivers hundreds of jobs at once
        // and a busy Redis must not make every round fail (intake races its enqueue against 1 s itself).
        commandTimeout: Math.max(config.redisTimeouts.commandTimeoutMs, 5_000),
        connectTimeout: config.redisTimeouts.connectTimeoutMs,
        // No auto-pipelining here: ioredis builds a pipeline per event-loop turn with a command, and a
        // pipeline copies every script the client defines (BullMQ defines ~65): ~77 µs each, for
        // commands BullMQ already sends as scripts or in its own multi/pipelines.
        enableAutoPipelining: false,
      },
      onRedisError,
    );
    await Promise.all([firstConnection(redis), firstConnection(queueConnection)]);
    kv = new RedisStore(redis, config.redisPrefix, redisCircuit);
    // Its own connection: a subscribed connection can issue nothing else (see RedisBroadcast).
    broadcast = new RedisBroadcast(
      createRedis(config.redisUrl, { autoResubscribe: false, maxRetriesPerRequest: null }, onRedisError),
      redis,
      config.redisPrefix,
      redisCircuit,
    );
    queue = new BullJobQueue(queueConnection, `${config.redisPrefix}bull`, onRedisError, config.workerConcurrency);
  } else {
    kv = new MemoryStore();
    broadcast = new LocalBroadcast();
    queue = new InProcessJobQueue((err) => log.error({ err }, 'job failed'));
  }
  const metrics = createMetrics({ database, queue });
  queue = instrumentQueue(queue, metrics);
  const reads = new ReadRouter({
    primary: database,
    replicaUrl: config.databaseReplicaUrl,
    maxLagMs: config.replicaMaxLagMs,
    poolMax: config.dbPoolMax,
    registry: metrics.registry,
    onChange: (state, { lagSeconds, error }) =>
      state === 'ok'
        ? log.info({ lagSeconds }, 'read replica in use')
        : log.warn(
            { state, lagSeconds, err: error ? { message: error } : undefined },
            'read replica not used: reads go to the primary',
          ),
  });

  return {
    config,
    log,
    logSink,
    database,
    reads,
    redis,
    redisCircuit,
    kv,
    broadcast,
    queue,
    mailer: new OutboxMailer(),
    metrics,
    pii,
    async close() {
      await queue.close();
      await reads.close();
      if (kv instanceof MemoryStore) kv.close();
      broadcast.close();
      redis?.disconnect();
      queueConnection?.disconnect();
      if (!options.database) await database.close();
    },
  };
}
