/**
 * Capacity, found rather than assumed: the FULL stack (NGINX → PM2 cluster with 2 API workers + job
 * worker → PostgreSQL + Redis, from deploy/) on registry-scale data, with virtual users stepped up
 * (each a request every 5–10 s, the stress mix) until p95 crosses P95_LIMIT_MS (250) or a request
 * fails. Every step is recorded: users, req/s, p50/p95/p99, errors, CPU and memory per process,
 * the load generator's own CPU. Before the steps: GET /api/v1/health req/s with autocannon beside a
 * bare node:http server answering the same JSON.
 *
 *   npm run load:capacity
 *     DATABASE_URL=postgres://…/db   a database already seeded with `npm run seed:scale` (kept);
 *                                    unset: a fresh database is created, seeded at scale and dropped
 *     STACK_ENV=KEY=value,…          settings added to the stack's env file (an experiment)
 *     FROM_TEMPLATE=1                the run on a copy of DATABASE_URL's database (dropped at the end):
 *                                    every run from the same data (its template: no open connections)
 *     STEPS=500,1000,2000,3000,4000,6000,8000,10000,12000   HOLD_S=60   RAMP_RATE=50 (users/s)
 *     P95_LIMIT_MS=250   REPORT=/tmp/capacity.json   SKIP_HEALTH=1   ROLE_MIX=…
 *     GENERATORS=2   worker threads running the virtual users (vu.ts); this thread only orchestrates.
 *                    "load generator" CPU is the whole process (every thread, the /proc sampling
 *                    included and shown apart), its event-loop delay p99/max the largest over the
 *                    generator threads (the main thread's apart).
 *     GEN_NICE=0     the generator threads' nice value (e.g. -10, as root: served before the stack
 *                    when the machine is saturated, so they time the stack, not their wait for a core)
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { TEST_REDIS_URL, createTestDatabase } from '../../apps/api/test/harness.js';
import { freePort } from '../stack/lib.js';
import { cannon, printCannon, startBare, type CannonResult } from './health-compare.js';
import { OTHERS, ProcessMonitor, groups } from './monitor.js';
import { discover, parseRoleMix } from './scenarios.js';
import { seedScale } from './seed-scale.js';
import { startFullStack } from './stack.js';
import { clearRedisPrefix } from './target.js';
import { printStep, runSteps, type StepReport } from './vu.js';
import { root } from './server.js';

const STEPS = (process.env.STEPS ?? '500,1000,2000,3000,4000,6000,8000,10000,12000').split(',').map(Number);
const HOLD_S = Number(process.env.HOLD_S ?? 60);
const RAMP_RATE = Number(process.env.RAMP_RATE ?? 50);
const P95_LIMIT = Number(process.env.P95_LIMIT_MS ?? 250);
/** Other processes (not this stack, not the load generator) above this CPU % make a measurement noisy. */
const QUIET_CPU = Number(process.env.QUIET_CPU ?? 30);
const REPORT =
  process.env.REPORT ?? join(tmpdir(), `oslrs-capacity-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);

if (spawnSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: root, stdio: 'inherit' }).status !== 0) {
  throw new Error('build failed');
}

// The database: given (already seeded), or fresh and seeded here (dropped at the end).
let databaseUrl = process.env.DATABASE_URL;
let dropDatabase: (() => Promise<void>) | undefined;
if (!databaseUrl) {
  const created = await createTestDatabase();
  databaseUrl = created.url;
  dropDatabase = created.drop;
  const seeded = await seedScale(databaseUrl);
  console.log(`seeded at scale in ${seeded.seconds.toFixed(1)} s`);
}
// FROM_TEMPLATE=1: this run on a copy of the given database, dropped at the end, so that every run starts
// from the same data. Runs on one database add to it (~60,000 submissions each, all dated the day it
// runs, against ~11,000 a day seeded): on 2026-12-07 the job worker's CPU at 4,000 users rose from 12 %
// in the first run after seeding to 22–23 % in the next two.
if (process.env.FROM_TEMPLATE && process.env.DATABASE_URL) {
  const source = new URL(databaseUrl);
  const template = source.pathname.slice(1);
  const copy = `${template}_run_${randomBytes(3).toString('hex')}`;
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: maintenance.toString() });
  await admin.connect();
  const started = Date.now();
  await admin.query(`create database "${copy}" template "${template}" strategy file_copy`);
  console.log(
    `FROM_TEMPLATE: running on ${copy}, a copy of ${template} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  source.pathname = `/${copy}`;
  databaseUrl = source.toString();
  dropDatabase = async () => {
    await admin.query(`drop database if exists "${copy}" with (force)`);
    await admin.end();
  };
}
const counts = new pg.Client({ connectionString: databaseUrl });
await counts.connect();
// An experiment on the test database only (e.g. an index proposed as the next fix): PREPARE_SQL="create index …".
if (process.env.PREPARE_SQL) {
  console.log(`PREPARE_SQL: ${process.env.PREPARE_SQL}`);
  await counts.query(process.env.PREPARE_SQL);
}
const volume = (
  await counts.query(
    `select (select count(*) from respondents)::int as respondents, (select count(*) from submissions)::int as submissions,
            (select count(*) from users where email like 'load-%')::int as staff`,
  )
).rows[0] as { respondents: number; submissions: number; staff: number };
if (volume.staff === 0) throw new Error(`${databaseUrl}: no load-test staff; run npm run seed:scale on it first`);
console.log(
  `data: ${volume.respondents.toLocaleString('en')} respondents, ${volume.submissions.toLocaleString('en')} submissions, ${volume.staff} load-test staff`,
);

const redisPrefix = `load:${randomBytes(4).toString('hex')}:`;
// STACK_ENV="KEY=value,KEY=value": settings for the stack's processes (its env file), for an experiment.
const stackEnv = Object.fromEntries(
  (process.env.STACK_ENV ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
if (Object.keys(stackEnv).length) console.log(`STACK_ENV: ${JSON.stringify(stackEnv)}`);
const stack = await startFullStack({ databaseUrl, redisUrl: TEST_REDIS_URL, redisPrefix, env: stackEnv });
// The database server is the machine's, not started from deploy/postgres/oslrs.conf: say where its
// settings differ from what ships (memory, checkpoints, JIT change what a request costs), so a report is
// read against the right server.
{
  const shipped = readFileSync(join(root, 'deploy/postgres/oslrs.conf'), 'utf8')
    .split('\n')
    .map((l) => /^\s*([a-z_.]+)\s*=\s*'?([^'#]*?)'?\s*(?:#.*)?$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m && !m[1]!.includes('.'));
  const differ: string[] = [];
  for (const [, name, value] of shipped) {
    const r = await counts.query(`select current_setting($1, true) as v`, [name]);
    const now = String(r.rows[0]?.v ?? '');
    if (now.replace(/\s/g, '').toLowerCase() !== value!.replace(/\s/g, '').toLowerCase())
      differ.push(`${name} ${now || '(unset)'} (ships ${value})`);
  }
  console.log(
    differ.length
      ? `PostgreSQL settings unlike deploy/postgres/oslrs.conf: ${differ.join(', ')}`
      : 'PostgreSQL settings: as deploy/postgres/oslrs.conf',
  );
}
// A registry in service runs autovacuum (deploy/postgres/oslrs.conf); a test server may not (the tests'
// own runs it off). Without it a database measured again keeps the dead rows and stale statistics of
// the runs before — e.g. the confirmations ticker's update of 17,520 seeded records made its next plans
// read the whole table every tick (332 ms against 0.05 ms after ANALYZE). So: vacuum first, as
// autovacuum would have by then (after the stack's migrations).
if ((await counts.query(`show autovacuum`)).rows[0]?.autovacuum === 'off') {
  const t0 = performance.now();
  await counts.query('vacuum (analyze)');
  console.log(
    `autovacuum is off on this server: vacuum (analyze) first, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
const reports: StepReport[] = [];
/** Per step: submissions received and ingested during the hold (per second), and the backlog after it. */
const intake: { received: number; ingested: number; backlog: number }[] = [];
const health: (CannonResult & { cpu?: Record<string, number> })[] = [];
const monitor = new ProcessMonitor([
  ...stack.groups,
  groups.pids('load generator (this process)', () => [process.pid]),
]);
monitor.start();
const cpuNow = () =>
  Object.fromEntries(
    monitor
      .stats()
      .filter((g) => g.avgCpu >= 1)
      .map((g) => [g.name, g.avgCpu] as [string, number]),
  );
const quiet = () => monitor.waitQuiet(QUIET_CPU, 5, 300, console.log).then(() => {});
try {
  console.log(stack.description);
  if (!process.env.SKIP_HEALTH) {
    const one = await startBare(await freePort(), 1);
    const two = await startBare(await freePort(), 2);
    try {
      await quiet();
      monitor.reset();
      health.push({ ...(await cannon('bare node:http, 1 process', `${one.url}/api/v1/health`)), cpu: cpuNow() });
      await quiet();
      monitor.reset();
      health.push({
        ...(await cannon('bare node:http, node:cluster 2 workers', `${two.url}/api/v1/health`)),
        cpu: cpuNow(),
      });
      await quiet();
      monitor.reset();
      health.push({
        ...(await cannon('API direct (PM2 cluster, 2 workers)', `${stack.apiUrl}/api/v1/health`)),
        cpu: cpuNow(),
      });
      await quiet();
      monitor.reset();
      health.push({
        ...(await cannon('API through NGINX (the full stack)', `${stack.url}/api/v1/health`)),
        cpu: cpuNow(),
      });
    } finally {
      one.stop();
      two.stop();
    }
    printCannon(health);
    console.log('CPU % during each (autocannon runs in this process, counted as the load generator):');
    for (const h of health)
      console.log(
        `  ${h.name}: ${Object.entries(h.cpu ?? {})
          .map(([k, v]) => `${k} ${v.toFixed(0)}`)
          .join(', ')}`,
      );
  }

  const info = await discover(stack.url, volume.respondents);
  let previous = 0;
  const steps = STEPS.map((vus) => {
    const rampS = Math.max(10, Math.ceil((vus - previous) / RAMP_RATE));
    previous = vus;
    return { vus, rampS, holdS: HOLD_S };
  });
  console.log(`\nsteps: ${steps.map((s) => `${s.vus} (ramp ${s.rampS} s)`).join(', ')}; hold ${HOLD_S} s each`);
  await runSteps({
    target: info,
    steps,
    roleMix: parseRoleMix(process.env.ROLE_MIX),
    monitor,
    beforeHold: quiet,
    acceptHold: (r) => {
      const others = r.processes.find((p) => p.name === OTHERS)?.avgCpu ?? 0;
      if (others > QUIET_CPU) console.log(`  (other processes used ${others.toFixed(0)} % CPU during the hold)`);
      return others <= QUIET_CPU;
    },
    onStep: async (r) => {
      reports.push(r);
      printStep(r);
      const q = (
        await counts.query(
          `select count(*) filter (where received_at > now() - make_interval(secs => $1))::int as received,
                  count(*) filter (where ingested_at > now() - make_interval(secs => $1))::int as ingested,
                  count(*) filter (where status = 'received')::int as backlog
             from submissions where received_at > now() - interval '1 day'`,
          [r.holdS],
        )
      ).rows[0] as { received: number; ingested: number; backlog: number };
      const row = { received: q.received / r.holdS, ingested: q.ingested / r.holdS, backlog: q.backlog };
      intake.push(row);
      console.log(
        `submissions: ${row.received.toFixed(1)}/s received, ${row.ingested.toFixed(1)}/s ingested during the hold; ${row.backlog} waiting for ingestion`,
      );
      writeFileSync(REPORT, JSON.stringify({ stack: stack.description, volume, health, reports, intake }, null, 2));
    },
    stopWhen: (r) => {
      const failed = r.overall.p95 > P95_LIMIT || r.overall.errors + r.rampErrors > 0;
      if (failed)
        console.log(`\n→ stop: p95 ${r.overall.p95.toFixed(1)} ms, ${r.overall.errors + r.rampErrors} errors`);
      return failed;
    },
  });
} finally {
  monitor.stop();
  await stack.stop();
  await counts.end();
  await clearRedisPrefix(redisPrefix).catch(() => {});
  if (dropDatabase) await dropDatabase();
}

const ok = reports.filter((r) => r.overall.p95 <= P95_LIMIT && r.overall.errors + r.rampErrors === 0);
const best = ok[ok.length - 1];
const proc = (r: StepReport, name: string) => r.processes.find((p) => p.name.startsWith(name));
const cpu = (r: StepReport, name: string) => proc(r, name)?.avgCpu.toFixed(0) ?? '–';
const pss = (r: StepReport, name: string) => proc(r, name)?.peakPssMb.toFixed(0) ?? '–';
console.log(
  '\n| users | req/s | p50 ms | p95 ms | p99 ms | errors | submissions/s received / ingested, backlog | CPU % API workers / job worker / PostgreSQL / NGINX / Redis / PM2 | load gen CPU % | other CPU % | machine CPU % (of 200) | PSS MB API workers / job worker / PostgreSQL / NGINX / PM2 |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const [i, r] of reports.entries()) {
  const sub = intake[i];
  console.log(
    `| ${r.vus} | ${r.overall.rps.toFixed(0)} | ${r.overall.p50.toFixed(1)} | ${r.overall.p95.toFixed(1)} | ${r.overall.p99.toFixed(1)} | ${r.overall.errors + r.rampErrors} | ` +
      `${sub ? `${sub.received.toFixed(1)} / ${sub.ingested.toFixed(1)}, ${sub.backlog}` : '–'} | ` +
      `${cpu(r, 'API')} / ${cpu(r, 'job worker')} / ${cpu(r, 'PostgreSQL backends')} / ${cpu(r, 'NGINX')} / ${cpu(r, 'Redis')} / ${cpu(r, 'PM2')} | ` +
      `${r.loadgen.cpu.toFixed(0)} | ${cpu(r, OTHERS)} | ${r.machineCpu.toFixed(0)} | ` +
      `${pss(r, 'API')} / ${pss(r, 'job worker')} / ${pss(r, 'PostgreSQL (all')} / ${pss(r, 'NGINX')} / ${pss(r, 'PM2')} |`,
  );
}
console.log(
  best
    ? `\nhighest step with p95 < ${P95_LIMIT} ms and 0 errors: ${best.vus} concurrent users (${best.overall.rps.toFixed(0)} req/s, p95 ${best.overall.p95.toFixed(1)} ms)`
    : `\nno step met p95 < ${P95_LIMIT} ms with 0 errors`,
);
console.log(`report: ${REPORT}`);
