/**
 * What the load commands run against: TARGET=<url> (an already running stack, seeded with
 * `npm run seed:scale`), or — TARGET unset — the built server started here as one process on a
 * fresh database (real PostgreSQL + Redis), seeded small (or at scale with SEED=scale), dropped after.
 */
import { clearRedisPrefix } from '../../apps/api/test/harness.js';
import { groups, type ProcessGroup } from './monitor.js';
import { discover, type TargetInfo } from './scenarios.js';
import { seedScale } from './seed-scale.js';
import { prepareDatabase, startBenchServer } from './server.js';

export interface RunningTarget {
  info: TargetInfo;
  /** Processes whose CPU and memory are sampled. */
  groups: ProcessGroup[];
  description: string;
  stop(): Promise<void>;
}

const self = groups.pids('load generator (this process)', () => [process.pid]);

export { clearRedisPrefix };

export async function selfStarted(
  options: { scale?: boolean; separateWorker?: boolean; log?: (l: string) => void } = {},
): Promise<RunningTarget> {
  const log = options.log ?? console.log;
  const prepared = await prepareDatabase();
  const size = options.scale ? {} : { respondents: 2_000, submissions: 20_000 };
  const seeded = await seedScale(prepared.target.url, { ...size, log: () => {} });
  log(
    `seeded ${seeded.staff} staff, ${seeded.respondents} respondents, ${seeded.submissions} submissions in ${seeded.seconds.toFixed(1)} s`,
  );
  const server = await startBenchServer(prepared, {
    separateWorker: options.separateWorker,
    // The production limits (the bench default lifts them): every user has an address of its own.
    env: { RATE_LIMIT_USER_PER_MINUTE: '1000', RATE_LIMIT_ANON_PER_MINUTE: '100', DB_POOL_MAX: '10' },
  });
  const info = await discover(server.url, seeded.respondents);
  return {
    info,
    description: `self-started: one API process${options.separateWorker ? ' + job worker' : ' (jobs in-process)'} (built, NODE_ENV=production) on ${server.url}, PostgreSQL database ${server.databaseName}, Redis prefix ${server.redisPrefix}`,
    groups: [
      groups.pids('API (node, 1 process)', () => [server.pids.server]),
      ...(server.pids.worker ? [groups.pids('job worker', () => [server.pids.worker])] : []),
      groups.match(
        `PostgreSQL backends (${server.databaseName})`,
        (p) => p.comm === 'postgres' && p.cmd.includes(server.databaseName),
      ),
      groups.match('Redis (shared server)', (p) => p.comm.startsWith('redis-server')),
      self,
    ],
    async stop() {
      await server.stop();
      await clearRedisPrefix(server.redisPrefix).catch(() => {});
    },
  };
}

/** An already running stack: processes are recognised by name (best effort). */
export async function external(url: string, seededRespondents: number): Promise<RunningTarget> {
  const info = await discover(url.replace(/\/$/, ''), seededRespondents);
  return {
    info,
    description: `TARGET=${url}`,
    groups: [
      groups.match('NGINX', (p) => p.comm === 'nginx'),
      groups.match('PM2 daemon', (p) => /^PM2 v/.test(p.cmd)),
      groups.match('API (node main.js)', (p) => /apps\/api\/dist\/main\.js|oslrs-api/.test(p.cmd)),
      groups.match('job worker', (p) => /apps\/api\/dist\/worker\.js|oslrs-worker/.test(p.cmd)),
      groups.match('PostgreSQL (all)', (p) => p.comm === 'postgres'),
      groups.match('Redis (all)', (p) => p.comm.startsWith('redis-server')),
      self,
    ],
    stop: async () => {},
  };
}

export async function fromEnv(options: { scale?: boolean; separateWorker?: boolean } = {}): Promise<RunningTarget> {
  const url = process.env.TARGET;
  if (url) return external(url, Number(process.env.SEEDED_RESPONDENTS ?? 0));
  return selfStarted({ scale: process.env.SEED === 'scale' || options.scale, separateWorker: options.separateWorker });
}
