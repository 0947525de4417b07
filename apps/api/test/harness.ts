/**
 * Integration-test harness: every test file gets its own PostgreSQL database and its own Redis key
 * prefix on the real servers (TEST_DATABASE_URL / TEST_REDIS_URL), created here and dropped after.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { Redis } from 'ioredis';
import { uuidv7 } from 'uuidv7';
import type { Role } from '@oslrs/core';
import { loadConfig, type Config } from '../src/config.js';
import type { PiiCipher } from '../src/infra/pii.js';
import { createPostgres, type Database } from '../src/infra/db.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { buildApp, createServices, type Services } from '../src/app.js';
import { bootstrap } from '../src/modules/setup/index.js';
import { users } from '../src/db/schema/index.js';
import { hashPassword } from '../src/modules/auth/passwords.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Fixed test keys for NIN/phone sealing (every process of a test shares them); never used outside tests. */
export const TEST_PII_ENV = {
  NIN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  NIN_INDEX_KEY: Buffer.alloc(32, 9).toString('base64'),
};
export const ADMIN_EMAIL = 'admin@test.oslrs';
export const ADMIN_PASSWORD = 'correct horse battery staple';

export function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * The two roles every test database is set up with, as in production (deploy/provision.sh): the
 * owner runs migrations and bootstrap, the app role (what the app's pool uses) owns nothing and may
 * only INSERT and SELECT audit rows. Roles are cluster-wide: created once, shared by all test files.
 */
export const TEST_OWNER_ROLE = 'oslrs_test_owner';
export const TEST_APP_ROLE = 'oslrs_test_app';
const TEST_ROLE_PASSWORD = 'oslrs-test-role';

let rolesReady: Promise<void> | undefined;
export function ensureTestRoles(admin: pg.Client): Promise<void> {
  rolesReady ??= (async () => {
    for (const role of [TEST_OWNER_ROLE, TEST_APP_ROLE]) {
      // Parallel test files may create the same role at once: the loser's duplicate_object (or the
      // catalog's unique_violation) means it exists, which is all that is wanted.
      await admin.query(
        `do $$ begin
           create role ${role} login password '${TEST_ROLE_PASSWORD}';
         exception when duplicate_object or unique_violation then null;
         end $$`,
      );
    }
  })().catch((err: unknown) => {
    rolesReady = undefined;
    throw err;
  });
  return rolesReady;
}

export function asRole(url: string, role: string) {
  const u = new URL(url);
  u.username = role;
  u.password = TEST_ROLE_PASSWORD;
  return u.toString();
}

export interface TestDatabase {
  /** The owner's connection: migrations, bootstrap, backup and restore, fixtures that need it. */
  url: string;
  ownerUrl: string;
  /** The app role's connection (DATABASE_URL in the app's configuration). */
  appUrl: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, owned by the owner role. Under the unit suite it is a clone of
 * the migrated template (test/global-setup.ts), so the file skips migrating and bootstrapping.
 */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `oslrs_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const template = opts.empty ? undefined : process.env.OSLRS_TEST_TEMPLATE;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await ensureTestRoles(admin);
    await admin.query(`create database ${name} owner ${TEST_OWNER_ROLE}${template ? ` template ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  const ownerUrl = asRole(withDatabase(TEST_DATABASE_URL, name), TEST_OWNER_ROLE);
  return {
    url: ownerUrl,
    ownerUrl,
    appUrl: asRole(withDatabase(TEST_DATABASE_URL, name), TEST_APP_ROLE),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Captures every log line the app writes, for tests that read the logs. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  }
  get text() {
    return this.lines.join('\n');
  }
}

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  services: Services;
  config: Config;
  database: Database;
  /** The app role's connection, as the app uses it. */
  databaseUrl: string;
  /** The schema owner's connection (migrations). */
  ownerUrl: string;
  redisPrefix: string;
  logs: LogCapture;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Share another TestApp's database and Redis prefix (a second API process). */
  sharedWith?: TestApp;
  env?: Record<string, string>;
  logLevel?: string;
  redis?: boolean;
  worker?: boolean;
  /** Benchmarks only: the cipher the app seals NINs and phones with. */
  pii?: PiiCipher;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const shared = options.sharedWith;
  const created = shared ? undefined : await createTestDatabase();
  const databaseUrl = shared?.databaseUrl ?? created!.appUrl;
  const ownerUrl = shared?.ownerUrl ?? created!.ownerUrl;
  const redisPrefix = shared?.redisPrefix ?? `t:${randomBytes(6).toString('hex')}:`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATABASE_OWNER_URL: ownerUrl,
    REDIS_URL: options.redis === false ? undefined : TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: options.logLevel ?? 'silent',
    OSLRS_ADMIN_EMAIL: ADMIN_EMAIL,
    OSLRS_ADMIN_PASSWORD: ADMIN_PASSWORD,
    PUBLIC_URL: 'http://registry.test',
    DB_POOL_MAX: '5',
    RELAY_INTERVAL_MS: '60000',
    // Tests wait for ingestion on a condition: without the linger they wait less (ingest-linger.test.ts
    // sets its own; INGEST_LINGER_MS=300 in the environment runs the others with one).
    INGEST_LINGER_MS: process.env.INGEST_LINGER_MS ?? '0',
    ...TEST_PII_ENV,
    ...options.env,
  });
  const database = createPostgres(databaseUrl, config.dbPoolMax, { ownerUrl: config.databaseOwnerUrl });
  const logs = new LogCapture();
  const runtime = await createRuntime(config, { database, logStream: logs, pii: options.pii });
  if (!shared)
    await database.migrate((db) => bootstrap(db, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).then(() => {}));
  const services = createServices(runtime);
  const app = await buildApp(runtime, services);
  await app.ready();
  if (options.worker !== false) services.jobs.startWorker(config.relayIntervalMs);
  return {
    app,
    runtime,
    services,
    config,
    database,
    databaseUrl,
    ownerUrl,
    redisPrefix,
    logs,
    async close() {
      services.jobs.stop();
      await app.close();
      await runtime.close();
      await database.close();
      if (!shared) {
        if (options.redis !== false) await clearRedisPrefix(redisPrefix);
        await created!.drop();
      }
    },
  };
}

/** Remove every Redis key under a prefix (a test app's, a bench server's or a stack's own keys). */
export async function clearRedisPrefix(prefix: string, url = TEST_REDIS_URL) {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A signed-in client: sends the session cookie and, on writes, the CSRF token. */
export interface Session {
  cookie: string;
  csrfToken: string;
  user: { id: string; role: Role; email: string };
}

export async function login(app: FastifyInstance, email: string, password: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed ${res.statusCode}: ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'oslrs_session');
  const body = res.json() as { user: Session['user']; csrfToken: string };
  return { cookie: `oslrs_session=${cookie!.value}`, csrfToken: body.csrfToken, user: body.user };
}

export function call(
  app: FastifyInstance,
  session: Session | null,
  opts: InjectOptions,
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(opts.headers as Record<string, string>) };
  if (session) {
    headers.cookie = session.cookie;
    if (opts.method && opts.method !== 'GET') headers['x-csrf-token'] = session.csrfToken;
  }
  return app.inject({ ...opts, headers });
}

let seq = 0;
/** Create an active account directly (tests of other features need people of every role). */
export async function createUser(
  t: TestApp,
  role: Role,
  { nin, phone, ...extra }: Partial<typeof users.$inferInsert> & { nin?: string | null; phone?: string | null } = {},
): Promise<{ id: string; email: string; password: string }> {
  const password = 'a-long-test-password';
  const { pii } = t.runtime;
  const email = `${role}.${++seq}.${randomBytes(3).toString('hex')}@test.oslrs`;
  const id = uuidv7();
  await t.database.db.insert(users).values({
    id,
    email,
    fullName: `Test ${role} ${seq}`,
    role,
    status: 'active',
    lgaCode: role === 'supervisor' || role === 'enumerator' ? 'ibadan_north' : null,
    passwordHash: await hashPassword(password),
    activatedAt: new Date(),
    ninHash: pii.blindIndexOrNull(nin, 'nin'),
    ninSealed: pii.sealOrNull(nin, 'nin'),
    phoneSealed: pii.sealOrNull(phone, 'phone'),
    ...extra,
  });
  return { id, email, password };
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
