/**
 * The full production shape on loopback, from the shipped files: NGINX with deploy/nginx rendered by
 * deploy/render.mjs (2 worker processes on 2 cores), PM2 (private PM2_HOME) with
 * deploy/pm2/ecosystem.config.cjs — 2 API workers in cluster mode + the job worker — on the given
 * PostgreSQL database and a private Redis key prefix. The NGINX and PM2 helpers are the stack test's
 * (tests/stack/lib.ts), so the load test runs what the stack test checks.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pm2, freePort, renderForTest, root, startNginx } from '../stack/lib.js';
import { groups, type ProcessGroup } from './monitor.js';
import { TEST_PII_ENV } from '../../apps/api/test/harness.js';

export interface FullStack {
  /** NGINX, what users reach. */
  url: string;
  /** The API port behind NGINX (PM2's cluster port). */
  apiUrl: string;
  groups: ProcessGroup[];
  description: string;
  stop(): Promise<void>;
}

export async function startFullStack(options: {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  apiInstances?: number;
  env?: Record<string, string>;
}): Promise<FullStack> {
  const dir = mkdtempSync(join(tmpdir(), 'oslrs-load-stack-'));
  const pm2Home = join(dir, 'pm2');
  const [apiPort, nginxPort] = [await freePort(), await freePort()];
  const envFile = join(dir, 'oslrs.env');
  const env: Record<string, string> = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: options.redisPrefix,
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${nginxPort}`,
    TRUST_PROXY: 'loopback',
    DB_POOL_MAX: '10',
    ...TEST_PII_ENV,
    OSLRS_API_INSTANCES: String(options.apiInstances ?? 2),
    OSLRS_LOG_DIR: join(dir, 'logs'),
    ...options.env,
  };
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
  const pm2 = new Pm2(pm2Home, { OSLRS_ENV_FILE: envFile });
  // If this process dies without cleaning up, the stack test's reaper stops PM2 and NGINX.
  const reaper = spawn(
    process.execPath,
    [join(root, 'tests/stack/reaper.mjs'), String(process.pid), pm2Home, join(root, 'node_modules/pm2/bin/pm2'), dir],
    { detached: true, stdio: 'ignore' },
  );
  reaper.unref();

  const started = await pm2.run(['start', join(root, 'deploy/pm2/ecosystem.config.cjs')]);
  if (started.code !== 0) throw new Error(`pm2 start failed: ${started.stdout}${started.stderr}`);
  const until = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${apiPort}/api/v1/health/ready`).catch(() => null);
    if (res?.ok) break;
    if (Date.now() > until) throw new Error(`API did not become ready on ${apiPort}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const rendered = renderForTest(join(dir, 'nginx'), { apiPort, listenPort: nginxPort });
  const nginx = await startNginx(rendered);

  // pid lists refreshed every few seconds (a restarted worker has a new pid), from the pid files PM2
  // writes (`<name>-<id>.pid`): `pm2 jlist` starts a whole Node CLI each time (~0.3 s of CPU, a burst
  // every refresh that the holds would count as "other processes" and the stack would feel).
  let byName = new Map<string, number[]>();
  const pidDir = join(pm2Home, 'pids');
  const fromPidFiles = () => {
    const next = new Map<string, number[]>();
    for (const file of readdirSync(pidDir)) {
      const name = /^(.*)-\d+\.pid$/.exec(file)?.[1];
      const pid = Number(readFileSync(join(pidDir, file), 'utf8').trim());
      if (name && pid > 0 && existsSync(`/proc/${pid}`)) next.set(name, [...(next.get(name) ?? []), pid]);
    }
    return next;
  };
  const refresh = async () => {
    const next = new Map<string, number[]>();
    for (const p of await pm2.jlist()) if (p.pid) next.set(p.name, [...(next.get(p.name) ?? []), p.pid]);
    byName = next;
  };
  await refresh();
  const timer = setInterval(() => {
    try {
      byName = fromPidFiles();
    } catch {
      void refresh().catch(() => {});
    }
  }, 5000);
  timer.unref();
  const daemonPid = () => {
    try {
      return Number(readFileSync(join(pm2Home, 'pm2.pid'), 'utf8').trim());
    } catch {
      return undefined;
    }
  };
  const dbName = new URL(options.databaseUrl).pathname.slice(1);
  const apiCount = byName.get('oslrs-api')?.length ?? 0;
  return {
    url: `http://127.0.0.1:${nginxPort}`,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    description:
      `full stack: NGINX (deploy/nginx, ${rendered.port}) → PM2 cluster (${apiCount} API workers, port ${apiPort}) ` +
      `+ job worker (deploy/pm2/ecosystem.config.cjs), PostgreSQL database ${dbName}, Redis prefix ${options.redisPrefix}`,
    groups: [
      groups.tree('NGINX (master + workers)', () => nginx.child.pid),
      groups.pids('PM2 daemon (cluster master)', () => [daemonPid()]),
      groups.pids(`API workers (PM2 cluster)`, () => byName.get('oslrs-api') ?? []),
      groups.pids('job worker', () => byName.get('oslrs-worker') ?? []),
      groups.match(`PostgreSQL backends (${dbName})`, (p) => p.comm === 'postgres' && p.cmd.includes(dbName)),
      groups.match('PostgreSQL (all processes)', (p) => p.comm === 'postgres'),
      groups.match('Redis (shared server)', (p) => p.comm.startsWith('redis-server')),
    ],
    async stop() {
      clearInterval(timer);
      await nginx.stop();
      await pm2.run(['kill']);
      // The reaper exits when it sees 'done' (it polls every second); then the directory can go.
      writeFileSync(join(dir, 'done'), '');
      await new Promise((r) => setTimeout(r, 1500));
      // KEEP_STACK=1: keep the logs (NGINX's, the API's, the worker's) for a look afterwards.
      if (process.env.KEEP_STACK) console.log(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}
