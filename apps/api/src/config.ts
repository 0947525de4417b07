import { resolve } from 'node:path';
import { z } from 'zod';
import type { S3Target } from './infra/s3.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('localhost'),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  /**
   * The role that owns the schema: migrations and the start-up bootstrap connect with it, and grant
   * DATABASE_URL's role what the app may do (no ownership, audit_log INSERT and SELECT only).
   * Without it, DATABASE_URL's role does both (one role, as in development).
   */
  DATABASE_OWNER_URL: z.string().optional(),
  /** A streaming replica (hot standby) of DATABASE_URL: marketplace reads go there while it keeps up. */
  DATABASE_REPLICA_URL: z.string().optional(),
  /** Reads leave the replica for the primary while its replay lag is above this. */
  REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Paged lists count sets up to this size exactly on every page; larger ones are estimated (infra/list-count.ts). */
  LIST_EXACT_COUNT_UP_TO: z.coerce.number().int().min(0).max(1_000_000).default(1_000),
  /** How long a large set's total (estimated, or exact on demand) is reused; writes retire it at once. */
  LIST_COUNT_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  REDIS_URL: z.string().optional(),
  REDIS_PREFIX: z.string().default('oslrs:'),
  /** The longest a request waits for one Redis reply (a hung Redis keeps its connection open). */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  REDIS_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  /** After Redis stops answering, how long requests skip it (and use their fallbacks) before trying again. */
  REDIS_RETRY_AFTER_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  OSLRS_ADMIN_EMAIL: z.email().optional(),
  OSLRS_ADMIN_PASSWORD: z.string().min(10).max(256).optional(),
  /**
   * How long a process answers a signed-in request from its own copy of the session (0 = never). A
   * sign-out or suspension reaches every process at once over Redis pub/sub; this bounds only the
   * case where Redis freezes at the very moment of a revocation.
   */
  SESSION_LOCAL_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 30)
    .default(12),
  ACTIVATION_TTL_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 60)
    .default(7 * 24),
  /** How long a self-registration's "confirm your email" link works. */
  REGISTRATION_TTL_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 7)
    .default(24),
  /** How long a password-reset link works (it works once). */
  PASSWORD_RESET_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(60),
  COOKIE_SECURE: bool.optional(),
  TRUST_PROXY: z.string().default('loopback'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Append log lines to this file directly (async, in batches) instead of standard output. Under PM2's
   * cluster mode every stdout write also travels to the PM2 daemon as an IPC message: the ecosystem sets
   * this to the same file PM2 writes when OSLRS_LOG_DIR is set, so the file and its rotation stay the same.
   */
  LOG_FILE: z.string().min(1).optional(),
  /** How often the relay re-enqueues jobs and outbox rows that stopped moving, and after how long. */
  RELAY_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  /** Where finished exports are written (default DATA_DIR/exports). */
  EXPORT_DIR: z.string().optional(),
  /** How long a finished export can be downloaded before it is deleted. */
  EXPORT_RETENTION_HOURS: z.coerce
    .number()
    .min(0.001)
    .max(24 * 30)
    .default(24),
  OUTBOX_STALE_MS: z.coerce.number().int().min(0).default(30_000),
  /** How long an ingestion outbox row is kept once done (its attempts tell of lost deliveries), then deleted. */
  OUTBOX_KEEP_DAYS: z.coerce.number().min(0.001).max(365).default(7),
  /** How long sent (or expired) mail and SMS rows are kept, recipient included, before they are deleted. */
  MESSAGE_KEEP_DAYS: z.coerce.number().min(1).max(3650).default(30),
  /** smtp://user:pass@host:587 — without it, mail stays in the mail_outbox table (until its link expires). */
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('OSLRS <no-reply@oslrs.local>'),
  MAIL_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  /**
   * The USSD gateway's callback secret (`POST /api/v1/channels/ussd?secret=…`, compared in constant
   * time). Unset: the feature-phone channel is off (the callback answers 404 CHANNEL_OFF).
   */
  USSD_CALLBACK_SECRET: z.string().min(16, 'Use at least 16 characters').optional(),
  /** Comma-separated gateway addresses the callback accepts (after TRUST_PROXY); unset: any address with the secret. */
  USSD_ALLOWED_IPS: z.string().optional(),
  /** Callback requests per phone number per minute (a whole session is about 15). */
  USSD_PHONE_PER_MINUTE: z.coerce.number().int().min(1).default(40),
  /** Callback requests per gateway address per minute (every caller of a short code comes through it). */
  USSD_GATEWAY_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  /** An aggregator's bulk-SMS endpoint (Africa's Talking style); unset: the development transport only records. */
  SMS_API_URL: z.url().optional(),
  SMS_API_KEY: z.string().optional(),
  SMS_USERNAME: z.string().optional(),
  SMS_SENDER_ID: z.string().max(11).optional(),
  /** The daily cost ceiling: at most this many SMS a day (UTC); the rest wait for the next day. */
  SMS_DAILY_LIMIT: z.coerce.number().int().min(0).default(2000),
  SMS_INTERVAL_MS: z.coerce.number().int().min(50).default(5_000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /**
   * Submissions the ingest job claims per transaction (1: one job and one transaction per submission).
   * With at most INGEST_DRAINS batches at once, 200 costs less CPU per submission than 50 in every
   * process and ingests faster end to end (docs/capacity.md); a quiet hour claims whatever is pending.
   */
  INGEST_BATCH: z.coerce.number().int().min(1).max(500).default(200),
  /**
   * Batches one worker process settles at once (the other ingest jobs leave theirs to those running).
   * More only contend for the same rows and locks: on two cores, 8 at once cost PostgreSQL ~25 % more
   * CPU per submission than 2, for no more throughput (docs/capacity.md).
   */
  INGEST_DRAINS: z.coerce.number().int().min(1).max(64).default(2),
  /**
   * Under a trickle of small requests (an enumerator's few forms, a clerk's one), how long the ingest
   * job waits before claiming, so that the next requests' submissions are claimed in the same batch
   * (fewer, larger claims: less CPU per submission; docs/capacity.md, 7 December). 0: no wait. Never
   * when a full batch is waiting; a submission is ingested at most this much later.
   */
  INGEST_LINGER_MS: z.coerce.number().int().min(0).max(5000).default(300),
  /**
   * Recent surveys the job worker keeps for the fraud checks (each new survey is compared with its
   * collector's last 50): more than the collectors active at once × 50 × 2 (a two-generation cache
   * keeps between half and all of it). 10,000 was too few for 156 collectors: rows were read and
   * opened again; 40,000 halved the worker's CPU at 8,000 users (docs/capacity.md, 7 December).
   */
  FRAUD_HISTORY_ROWS: z.coerce.number().int().min(100).max(1_000_000).default(40_000),
  RATE_LIMIT_ANON_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().min(1).default(1000),
  /** Public marketplace searches per IP per minute (SPEC limits: 30); benchmarks lift it. */
  MARKETPLACE_SEARCHES_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /** How long an address that followed the marketplace's bot trap stays blocked. */
  MARKETPLACE_TRAP_BLOCK_HOURS: z.coerce
    .number()
    .min(0.001)
    .max(24 * 30)
    .default(24),
  /** Run background jobs in this process (the default for `npm start`); PM2's API workers turn it off. */
  RUN_WORKER: bool.default(true),
  /** The OpenAPI document and its UI at /api/docs (default: on, except in production). */
  API_DOCS: bool.optional(),
  /** Which dependency is down, in /health/ready (default: on, except in production: up/down only). */
  HEALTH_DETAILS: bool.optional(),
  /** A request (headers and body) must arrive within this; a slow sender gets a 408, not a worker. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** An idle keep-alive connection is closed after this (behind NGINX: above its keepalive_timeout). */
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(75_000),
  WEB_DIST: z.string().optional(),
  /** Percent of clean, undecided records sampled into the assessor's queue (stable per record). */
  VERIFICATION_SAMPLE_PERCENT: z.coerce.number().int().min(0).max(100).default(5),
  /**
   * Map tiles behind the supervisor's map of today's GPS points, as a `{z}/{x}/{y}` URL template
   * (e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png). Unset: the page plots the points on a
   * plain grid. Its origin is added to the pages' Content-Security-Policy img-src.
   */
  MAP_TILE_URL: z
    .url()
    .refine(
      (u) => /^https?:\/\//.test(u) && ['{z}', '{x}', '{y}'].every((p) => u.includes(p)),
      'Use an http(s) URL with {z}, {x} and {y}',
    )
    .optional(),
  /** Set by PM2 in cluster mode. */
  NODE_APP_INSTANCE: z.string().optional(),
  /** /metrics: open to loopback; anyone else needs `Authorization: Bearer $METRICS_TOKEN`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** The job worker's own /metrics port; PM2 API instance N also serves one on METRICS_PORT + 1 + N. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** Files of media answers (the embedded default; default DATA_DIR/attachments), and uploads in progress. */
  ATTACHMENTS_DIR: z.string().optional(),
  /** Production: keep media files in this S3-compatible bucket instead (credentials: the AWS SDK's chain). */
  ATTACHMENTS_S3_BUCKET: z.string().optional(),
  ATTACHMENTS_S3_ENDPOINT: z.url().optional(),
  ATTACHMENTS_S3_REGION: z.string().default('us-east-1'),
  ATTACHMENTS_S3_PREFIX: z.string().default('attachments/'),
  ATTACHMENTS_S3_FORCE_PATH_STYLE: bool.default(false),
  BACKUP_DIR: z.string().default('./backups'),
  BACKUP_KEEP: z.coerce.number().int().min(1).default(14),
  BACKUP_S3_BUCKET: z.string().optional(),
  BACKUP_S3_ENDPOINT: z.url().optional(),
  BACKUP_S3_REGION: z.string().default('us-east-1'),
  BACKUP_S3_PREFIX: z.string().default('oslrs/'),
  BACKUP_S3_FORCE_PATH_STYLE: bool.default(false),
  /**
   * NIN and phone numbers are sealed with this key (AES-256-GCM, 32 bytes base64; npm run pii:keygen).
   * Required in production; elsewhere, generated once into PII_KEY_FILE.
   */
  NIN_ENCRYPTION_KEY: z.string().optional(),
  /** Earlier NIN_ENCRYPTION_KEYs, comma-separated, still read until `npm run pii:rotate` re-seals their values. */
  NIN_ENCRYPTION_OLD_KEYS: z.string().optional(),
  /** The HMAC key of the blind index that finds and de-duplicates NINs and phones (separate from the above). */
  NIN_INDEX_KEY: z.string().optional(),
  /** Development and the embedded default: where generated keys are kept (default DATA_DIR/pii-keys.json). */
  PII_KEY_FILE: z.string().optional(),
  /** node_exporter textfile (…/node-exporter/oslrs_backup.prom): the last good backup's time, for alerts. */
  BACKUP_METRICS_FILE: z.string().optional(),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Migrations, bootstrap, backup and restore only; the app's pool uses databaseUrl. */
  databaseOwnerUrl: string | undefined;
  /** Read-only replica for reads that may be a little behind (infra/replica.ts); its pool is dbPoolMax too. */
  databaseReplicaUrl: string | undefined;
  replicaMaxLagMs: number;
  dbPoolMax: number;
  listCounts: { exactUpTo: number; ttlMs: number };
  redisUrl: string | undefined;
  redisPrefix: string;
  redisTimeouts: { commandTimeoutMs: number; connectTimeoutMs: number; retryAfterMs: number };
  admin: { email: string | undefined; password: string | undefined };
  sessionTtlMs: number;
  sessionLocalCacheMs: number;
  activationTtlMs: number;
  registrationTtlMs: number;
  passwordResetTtlMs: number;
  cookieSecure: boolean;
  trustProxy: string | boolean;
  logLevel: string;
  logFile: string | undefined;
  runWorker: boolean;
  workerConcurrency: number;
  ingestBatch: number;
  fraudHistoryRows: number;
  ingestDrains: number;
  ingestLingerMs: number;
  relayIntervalMs: number;
  /** Streamed exports: their directory and how long a file is kept. */
  exports: { dir: string; retentionMs: number };
  mail: { smtpUrl: string | undefined; from: string; intervalMs: number };
  outboxStaleMs: number;
  outboxKeepMs: number;
  messageKeepMs: number;
  /** The feature-phone channel: the gateway callback's secret (undefined: off), allowed addresses, limits. */
  ussd: { secret: string | undefined; allowedIps: string[]; phonePerMinute: number; gatewayPerMinute: number };
  /** SMS: the aggregator (undefined: the development transport), the daily ceiling, the relay's interval. */
  sms: {
    aggregator: { url: string; apiKey: string; username: string; senderId: string | undefined } | undefined;
    dailyLimit: number;
    intervalMs: number;
  };
  rateLimit: { anonPerMinute: number; userPerMinute: number };
  marketplace: { searchesPerMinute: number; trapBlockMs: number };
  /** Request size limits shared by every route: JSON bodies, a syncing outbox batch, file uploads. */
  limits: { bodyBytes: number; batchBodyBytes: number; uploadBytes: number };
  timeouts: { requestMs: number; keepAliveMs: number };
  apiDocs: boolean;
  healthDetails: boolean;
  webDist: string | undefined;
  verificationSamplePercent: number;
  /** The supervisor map's tile URL template (`{z}/{x}/{y}`), or undefined for no tiles. */
  mapTileUrl: string | undefined;
  clustered: boolean;
  /** PM2's instance number in cluster mode. */
  appInstance: number | undefined;
  metrics: { token: string | undefined; port: number; host: string };
  /** Where the PII keys come from (infra/pii.ts loads them). */
  pii: { encryptionKey: string | undefined; oldKeys: string[]; indexKey: string | undefined; keyFile: string };
  /** Media answers' files: the directory (uploads in progress always assemble there) or a bucket. */
  attachments: {
    dir: string;
    s3: S3Target | undefined;
  };
  backup: {
    dir: string;
    keep: number;
    metricsFile: string | undefined;
    s3: S3Target | undefined;
  };
}

export class ConfigError extends Error {}

/** The only place that reads the environment. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const clustered = e.NODE_APP_INSTANCE !== undefined;
  if (clustered && !e.REDIS_URL) {
    throw new ConfigError('Cluster mode needs shared state: set REDIS_URL (and DATABASE_URL).');
  }
  if (e.REDIS_URL && !e.DATABASE_URL) {
    throw new ConfigError('REDIS_URL is set but DATABASE_URL is not: the embedded database serves one process only.');
  }
  if (e.DATABASE_OWNER_URL && !e.DATABASE_URL) {
    throw new ConfigError('DATABASE_OWNER_URL is set but DATABASE_URL (the app role) is not.');
  }
  if (e.DATABASE_REPLICA_URL && !e.DATABASE_URL) {
    throw new ConfigError('DATABASE_REPLICA_URL is set but DATABASE_URL is not: the embedded database has no replica.');
  }
  if (e.NODE_ENV === 'production' && (!e.NIN_ENCRYPTION_KEY || !e.NIN_INDEX_KEY)) {
    throw new ConfigError(
      'Production needs NIN_ENCRYPTION_KEY and NIN_INDEX_KEY (npm run pii:keygen prints both; keep them with the backups).',
    );
  }
  if (e.SMS_API_URL && (!e.SMS_API_KEY || !e.SMS_USERNAME)) {
    throw new ConfigError('SMS_API_URL is set: set SMS_API_KEY and SMS_USERNAME too (the aggregator account).');
  }
  const trust = e.TRUST_PROXY === 'true' ? true : e.TRUST_PROXY === 'false' ? false : e.TRUST_PROXY;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databaseOwnerUrl: e.DATABASE_OWNER_URL,
    databaseReplicaUrl: e.DATABASE_REPLICA_URL,
    replicaMaxLagMs: e.REPLICA_MAX_LAG_MS,
    dbPoolMax: e.DB_POOL_MAX,
    listCounts: { exactUpTo: e.LIST_EXACT_COUNT_UP_TO, ttlMs: e.LIST_COUNT_TTL_MS },
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    redisTimeouts: {
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
      connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
      retryAfterMs: e.REDIS_RETRY_AFTER_MS,
    },
    admin: { email: e.OSLRS_ADMIN_EMAIL?.toLowerCase(), password: e.OSLRS_ADMIN_PASSWORD },
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    sessionLocalCacheMs: e.SESSION_LOCAL_CACHE_MS,
    activationTtlMs: e.ACTIVATION_TTL_HOURS * 3600_000,
    registrationTtlMs: e.REGISTRATION_TTL_HOURS * 3600_000,
    passwordResetTtlMs: e.PASSWORD_RESET_TTL_MINUTES * 60_000,
    cookieSecure: e.COOKIE_SECURE ?? e.NODE_ENV === 'production',
    trustProxy: trust,
    logLevel: e.LOG_LEVEL,
    logFile: e.LOG_FILE,
    runWorker: e.RUN_WORKER,
    workerConcurrency: e.WORKER_CONCURRENCY,
    ingestBatch: e.INGEST_BATCH,
    ingestDrains: e.INGEST_DRAINS,
    ingestLingerMs: e.INGEST_LINGER_MS,
    fraudHistoryRows: e.FRAUD_HISTORY_ROWS,
    relayIntervalMs: e.RELAY_INTERVAL_MS,
    exports: {
      dir: resolve(e.EXPORT_DIR ?? `${e.DATA_DIR}/exports`),
      retentionMs: Math.round(e.EXPORT_RETENTION_HOURS * 3600_000),
    },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM, intervalMs: e.MAIL_INTERVAL_MS },
    outboxStaleMs: e.OUTBOX_STALE_MS,
    outboxKeepMs: Math.round(e.OUTBOX_KEEP_DAYS * 86_400_000),
    messageKeepMs: Math.round(e.MESSAGE_KEEP_DAYS * 86_400_000),
    ussd: {
      secret: e.USSD_CALLBACK_SECRET,
      allowedIps: (e.USSD_ALLOWED_IPS ?? '')
        .split(',')
        .map((ip) => ip.trim())
        .filter(Boolean),
      phonePerMinute: e.USSD_PHONE_PER_MINUTE,
      gatewayPerMinute: e.USSD_GATEWAY_PER_MINUTE,
    },
    sms: {
      aggregator: e.SMS_API_URL
        ? { url: e.SMS_API_URL, apiKey: e.SMS_API_KEY!, username: e.SMS_USERNAME!, senderId: e.SMS_SENDER_ID }
        : undefined,
      dailyLimit: e.SMS_DAILY_LIMIT,
      intervalMs: e.SMS_INTERVAL_MS,
    },
    rateLimit: { anonPerMinute: e.RATE_LIMIT_ANON_PER_MINUTE, userPerMinute: e.RATE_LIMIT_USER_PER_MINUTE },
    marketplace: {
      searchesPerMinute: e.MARKETPLACE_SEARCHES_PER_MINUTE,
      trapBlockMs: Math.round(e.MARKETPLACE_TRAP_BLOCK_HOURS * 3600_000),
    },
    limits: { bodyBytes: 1024 * 1024, batchBodyBytes: 5 * 1024 * 1024, uploadBytes: 10 * 1024 * 1024 },
    timeouts: { requestMs: e.REQUEST_TIMEOUT_MS, keepAliveMs: e.KEEP_ALIVE_TIMEOUT_MS },
    apiDocs: e.API_DOCS ?? e.NODE_ENV !== 'production',
    healthDetails: e.HEALTH_DETAILS ?? e.NODE_ENV !== 'production',
    webDist: e.WEB_DIST,
    verificationSamplePercent: e.VERIFICATION_SAMPLE_PERCENT,
    mapTileUrl: e.MAP_TILE_URL,
    clustered,
    appInstance: clustered ? Number(e.NODE_APP_INSTANCE) || 0 : undefined,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST },
    pii: {
      encryptionKey: e.NIN_ENCRYPTION_KEY,
      oldKeys: (e.NIN_ENCRYPTION_OLD_KEYS ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
      indexKey: e.NIN_INDEX_KEY,
      keyFile: resolve(e.PII_KEY_FILE ?? `${e.DATA_DIR}/pii-keys.json`),
    },
    attachments: {
      dir: resolve(e.ATTACHMENTS_DIR ?? `${e.DATA_DIR}/attachments`),
      s3: e.ATTACHMENTS_S3_BUCKET
        ? {
            bucket: e.ATTACHMENTS_S3_BUCKET,
            endpoint: e.ATTACHMENTS_S3_ENDPOINT,
            region: e.ATTACHMENTS_S3_REGION,
            prefix: e.ATTACHMENTS_S3_PREFIX,
            forcePathStyle: e.ATTACHMENTS_S3_FORCE_PATH_STYLE,
          }
        : undefined,
    },
    backup: {
      dir: resolve(e.BACKUP_DIR),
      keep: e.BACKUP_KEEP,
      metricsFile: e.BACKUP_METRICS_FILE ? resolve(e.BACKUP_METRICS_FILE) : undefined,
      s3: e.BACKUP_S3_BUCKET
        ? {
            bucket: e.BACKUP_S3_BUCKET,
            endpoint: e.BACKUP_S3_ENDPOINT,
            region: e.BACKUP_S3_REGION,
            prefix: e.BACKUP_S3_PREFIX,
            forcePathStyle: e.BACKUP_S3_FORCE_PATH_STYLE,
          }
        : undefined,
    },
  };
}
