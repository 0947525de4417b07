/** Benchmarks run the built server as its own process on a fresh database (real PostgreSQL + Redis). */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPostgres, type Database } from '../../apps/api/src/infra/db.js';
import { bootstrap } from '../../apps/api/src/modules/setup/index.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  TEST_PII_ENV,
  TEST_REDIS_URL,
  createTestDatabase,
} from '../../apps/api/test/harness.js';

export const root = resolve(import.meta.dirname, '../..');

export interface BenchServer {
  url: string;
  database: Database;
  /** Session cookie and CSRF token of the first super admin. */
  admin: { cookie: string; csrfToken: string };
  /** The API process and, with separateWorker, the job worker (for CPU and memory sampling). */
  pids: { server: number; worker?: number };
  /** The fresh database's name (its PostgreSQL backends carry it in their process title). */
  databaseName: string;
  redisPrefix: string;
  stop(): Promise<void>;
}

/** `dist`: migrate with that build's own migrations (a saved older build is compared on its own schema). */
export async function prepareDatabase(dist?: string) {
  if (spawnSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: root, stdio: 'inherit' }).status !== 0) {
    throw new Error('build failed');
  }
  const target = await createTestDatabase();
  const database = createPostgres(target.url, 2);
  const folder =
    dist && existsSync(join(root, dist, 'migrations/meta/_journal.json')) ? join(root, dist, 'migrations') : undefined;
  await database.migrate(
    (db) => bootstrap(db, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).then(() => {}),
    folder,
  );
  return { target, database };
}

export async function startBenchServer(
  prepared: Awaited<ReturnType<typeof prepareDatabase>>,
  /** `dist`: the built API to run (default apps/api/dist), e.g. an older build kept to compare against. */
  options: { separateWorker?: boolean; env?: Record<string, string>; dist?: string } = {},
): Promise<BenchServer> {
  const dist = options.dist ?? 'apps/api/dist';
  const { target, database } = prepared;
  const port = 3900 + Math.floor(Math.random() * 90);
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    COOKIE_SECURE: 'false',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: target.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: `bench:${port}:`,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_USER_PER_MINUTE: '100000000',
    RATE_LIMIT_ANON_PER_MINUTE: '100000000',
    MARKETPLACE_SEARCHES_PER_MINUTE: '100000000',
    RUN_WORKER: options.separateWorker ? 'false' : 'true',
    ...TEST_PII_ENV,
    ...options.env,
  };
  // The log goes to a file, as under PM2 (a pipe read by this process would cost this process CPU
  // and hold the server's writes back whenever this process is busy measuring).
  const logPath = join(tmpdir(), `oslrs-bench-${port}.log`);
  const logFd = openSync(logPath, 'w');
  const server: ChildProcess = spawn(
    process.execPath,
    [
      ...(process.env.PROFILE_SERVER ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_SERVER}`] : []),
      `${dist}/main.js`,
    ],
    {
      cwd: root,
      stdio: ['ignore', logFd, 'inherit'],
      env,
    },
  );
  closeSync(logFd);
  // Production shape: the job worker as its own process (PM2 app), the API serving only requests.
  const worker: ChildProcess | undefined = options.separateWorker
    ? spawn(
        process.execPath,
        [
          ...(process.env.PROFILE_WORKER ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_WORKER}`] : []),
          `${dist}/worker.js`,
        ],
        { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env },
      )
    : undefined;
  await new Promise<void>((ok, fail) => {
    const poll = setInterval(() => {
      if (readFileSync(logPath, 'utf8').includes('ready at')) {
        clearInterval(poll);
        server.removeAllListeners('exit');
        ok();
      }
    }, 100);
    server.once('exit', (code) => {
      clearInterval(poll);
      fail(new Error(`server exited ${code}: ${readFileSync(logPath, 'utf8').slice(-4000)}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return {
    url,
    database,
    admin: { cookie, csrfToken },
    pids: { server: server.pid!, worker: worker?.pid },
    databaseName: new URL(target.url).pathname.slice(1),
    redisPrefix: env.REDIS_PREFIX,
    async stop() {
      server.removeAllListeners('exit');
      server.kill('SIGTERM');
      worker?.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      await database.close();
      // KEEP_DB=1: leave the database for a look afterwards (EXPLAIN of the read side on the bench's rows).
      if (process.env.KEEP_DB) console.log(`kept database ${new URL(target.url).pathname.slice(1)}`);
      else await target.drop();
      rmSync(logPath, { force: true });
    },
  };
}
