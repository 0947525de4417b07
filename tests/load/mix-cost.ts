/**
 * `npm run bench:mix`: what one request of each action of the capacity mix (scenarios.ts MIX) costs in
 * CPU, per process — the API (one built process, NODE_ENV=production), PostgreSQL (the backends of
 * this benchmark's own database: their process title carries its name, so other databases on a
 * shared server are left out) and the job worker (its own process, as under PM2) — and, weighted by
 * the mix (role shares × action weights), each action's share of the mix's CPU and the predicted CPU
 * per mix request and users on 2 cores.
 *
 * Requests are sent by scenarios.ts's VirtualUser (the load generator's client: its own undici
 * client, cookie jar, CSRF token and loopback address per user). CPU is each thread's
 * /proc/<pid>/task/<tid>/schedstat run time (ns), summed over the process; after an action the
 * benchmark waits until the worker and PostgreSQL are idle again (ingestion of a batch happens after
 * the answer), and each process's idle rate (measured before the first action) times the elapsed
 * time is subtracted. The data: a fresh database seeded by seed-scale.ts (its 200 staff accounts,
 * RESPONDENTS respondents and SUBMISSIONS submissions of the master questionnaire).
 *
 *   npm run bench:mix
 *     (an older build to compare: cp -r apps/api/dist tests/load/.tmp/dist-base, and once
 *      ln -s ../../../apps/api/node_modules tests/load/.tmp/node_modules so the copy finds the API's own packages)
 *     DISTS=base=tests/load/.tmp/dist-base,new=apps/api/dist   builds to compare, alternating per round
 *     ROUNDS=2 DURATION_S=3 CONCURRENCY=8 RESPONDENTS=5000 SUBMISSIONS=20000
 *     SCHEMA_200_SHARE=0.1   of the mix's schema fetches, the share answered 200 (a user's first fetch)
 *     OTHER_US=970           NGINX + load generator per request (capacity run, 6 Dec: ~250 + ~720 µs)
 *     ACTIONS=me,schema304   only these rows (health always stays)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StaffRole } from '@oslrs/core';
import { createPostgres } from '../../apps/api/src/infra/db.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestDatabase } from '../../apps/api/test/harness.js';
import { STAFF_PLAN } from './accounts.js';
import {
  DEFAULT_ROLE_MIX,
  MIX,
  VirtualUser,
  accountFor,
  discover,
  resetNinBudget,
  type Action,
  type Sample,
  type VuRole,
} from './scenarios.js';
import { seedScale } from './seed-scale.js';
import { root, startBenchServer } from './server.js';

const ROUNDS = Number(process.env.ROUNDS ?? 2);
const DURATION_S = Number(process.env.DURATION_S ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const RESPONDENTS = Number(process.env.RESPONDENTS ?? 5_000);
const SUBMISSIONS = Number(process.env.SUBMISSIONS ?? 20_000);
const SCHEMA_200_SHARE = Number(process.env.SCHEMA_200_SHARE ?? 0.1);
const OTHER_US = Number(process.env.OTHER_US ?? 970);
const DISTS = (process.env.DISTS ?? 'current=apps/api/dist').split(',').map((d) => {
  const [name, dir] = d.includes('=') ? d.split('=') : [d, d];
  return { name: name!, dir: dir! };
});

/** A row: an action of the mix, sent by users of one role, at most `max` times per run. */
interface Row {
  name: string;
  action: Action;
  role: VuRole;
  /** The mix's actions this row stands for (schema is split into its 304 and 200 answers). */
  weightOf: (p: Record<Action, number>) => number;
  max?: number;
  /** Before every request (schema 200: forget the ETag). */
  before?: (vu: VirtualUser) => void;
}

const mixShare = (a: Action) => (p: Record<Action, number>) => p[a];
const ROWS: Row[] = [
  { name: 'health', action: 'health', role: 'public', weightOf: mixShare('health') },
  { name: 'forms', action: 'forms', role: 'public', weightOf: mixShare('forms') },
  {
    name: 'schema 304',
    action: 'schema',
    role: 'public',
    weightOf: (p) => p.schema * (1 - SCHEMA_200_SHARE),
  },
  {
    name: 'schema 200',
    action: 'schema',
    role: 'public',
    weightOf: (p) => p.schema * SCHEMA_200_SHARE,
    before: (vu) => vu.forgetEtag(),
  },
  { name: 'me', action: 'me', role: 'enumerator', weightOf: mixShare('me') },
  // 150 enumerator accounts × 14 (the server allows 20 a minute per account; each run is a fresh server).
  { name: 'checkNin', action: 'checkNin', role: 'enumerator', weightOf: mixShare('checkNin'), max: 2_000 },
  { name: 'batch (1–10)', action: 'batch', role: 'enumerator', weightOf: mixShare('batch'), max: 300 },
  { name: 'submit', action: 'submit', role: 'data_entry_clerk', weightOf: mixShare('submit'), max: 300 },
  { name: 'mySubmissions', action: 'mySubmissions', role: 'enumerator', weightOf: mixShare('mySubmissions') },
  {
    name: 'submissionStatus',
    action: 'submissionStatus',
    role: 'verification_assessor',
    weightOf: mixShare('submissionStatus'),
  },
  { name: 'staffList', action: 'staffList', role: 'super_admin', weightOf: mixShare('staffList') },
  { name: 'staffSummary', action: 'staffSummary', role: 'super_admin', weightOf: mixShare('staffSummary') },
  // Sign out and in again (two requests, one argon2 verification); 20 a minute per address.
  { name: 'login (out + in)', action: 'login', role: 'enumerator', weightOf: mixShare('login'), max: 60 },
];
const only = (process.env.ACTIONS ?? '').split(',').filter(Boolean);
const rows = only.length ? ROWS.filter((r) => r.name === 'health' || only.some((o) => r.name.includes(o))) : ROWS;

/** Probability that a request of the mix is each action (role shares × normalised action weights). */
function mixProbabilities(): Record<Action, number> {
  const p = {} as Record<Action, number>;
  const total = Object.values(DEFAULT_ROLE_MIX).reduce((s, w) => s + w, 0);
  for (const [role, share] of Object.entries(DEFAULT_ROLE_MIX) as [VuRole, number][]) {
    const weights = MIX[role];
    const sum = Object.values(weights).reduce((s, w) => s + w!, 0);
    for (const [action, w] of Object.entries(weights) as [Action, number][])
      p[action] = (p[action] ?? 0) + (share / total) * (w / sum);
  }
  return p;
}

/** CPU time so far of every thread of a process, in µs (0 once it is gone). */
function cpuUs(pid: number): number {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended
      }
    }
  } catch {
    return 0;
  }
  return ns / 1000;
}

/** PostgreSQL backends connected to this database (their title: "postgres: … user db addr state"). */
function backends(database: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (title.startsWith('postgres:') && title.includes(` ${database} `)) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

interface Cpu {
  api: number;
  pg: number;
  worker: number;
  gen: number;
}
function snapshot(pids: { server: number; worker?: number }, database: string) {
  const pg = new Map(backends(database).map((p) => [p, cpuUs(p)]));
  return {
    api: cpuUs(pids.server),
    worker: pids.worker ? cpuUs(pids.worker) : 0,
    pg,
    gen: process.cpuUsage().user + process.cpuUsage().system,
    at: performance.now(),
  };
}
type Snap = ReturnType<typeof snapshot>;
function delta(a: Snap, b: Snap): Cpu & { ms: number } {
  let pg = 0;
  for (const [pid, after] of b.pg) pg += after - (a.pg.get(pid) ?? 0);
  return { api: b.api - a.api, worker: b.worker - a.worker, pg, gen: b.gen - a.gen, ms: b.at - a.at };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Measured {
  count: number;
  errors: number;
  reasons: string[];
  api: number;
  pg: number;
  worker: number;
  gen: number;
}

let current: Sample[] = [];
const record = (s: Sample) => current.push(s);
let vuIndex = 0;

async function runBuild(dist: { name: string; dir: string }, databaseUrl: string, databaseName: string) {
  const server = await startBenchServer(
    {
      target: { url: databaseUrl, drop: async () => {} } as Awaited<ReturnType<typeof createTestDatabase>>,
      database: createPostgres(databaseUrl, 1),
    },
    // The web app from its usual place, whichever build runs (a copy elsewhere would not find it).
    { separateWorker: true, dist: dist.dir, env: { WEB_DIST: join(root, 'apps/web/dist') } },
  );
  const results = new Map<string, Measured>();
  const users: VirtualUser[] = [];
  try {
    const target = await discover(server.url, RESPONDENTS);
    const make = (role: VuRole, n: number) =>
      Array.from({ length: n }, (_, i) => {
        const vu = new VirtualUser(
          vuIndex++,
          role,
          role === 'public' ? undefined : accountFor(role as StaffRole, i),
          target,
          record,
        );
        users.push(vu);
        return vu;
      });
    const byRole = new Map<VuRole, VirtualUser[]>([
      ['public', make('public', 32)],
      ['enumerator', make('enumerator', STAFF_PLAN.enumerator)],
      ['data_entry_clerk', make('data_entry_clerk', STAFF_PLAN.data_entry_clerk)],
      ['verification_assessor', make('verification_assessor', STAFF_PLAN.verification_assessor)],
      ['super_admin', make('super_admin', STAFF_PLAN.super_admin)],
    ]);
    // Sign in (8 at a time) and fetch the schema once (each user then holds its ETag).
    const queue = [...users];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let vu = queue.shift(); vu; vu = queue.shift()) {
          if (vu.role !== 'public' && !(await vu.login())) throw new Error(`${vu.account?.email}: sign-in failed`);
          await vu.run('schema');
        }
      }),
    );
    // Warm the JIT and pools on every row, then let everything settle.
    for (const row of rows) await drive(row, byRole.get(row.role)!, 0.5, Math.min(row.max ?? 200, 40));
    await settle(server.pids, databaseName);
    const idle0 = snapshot(server.pids, databaseName);
    await sleep(2_000);
    const idle = delta(idle0, snapshot(server.pids, databaseName));
    const idleRate = { api: idle.api / idle.ms, pg: idle.pg / idle.ms, worker: idle.worker / idle.ms };
    resetNinBudget();

    for (const row of rows) {
      current = [];
      const before = snapshot(server.pids, databaseName);
      const genBefore = process.cpuUsage();
      await drive(row, byRole.get(row.role)!, DURATION_S, row.max);
      const gen = process.cpuUsage(genBefore);
      await settle(server.pids, databaseName);
      const d = delta(before, snapshot(server.pids, databaseName));
      const samples = current;
      const count =
        row.action === 'login' ? samples.filter((s) => s.endpoint.includes('login')).length : samples.length;
      const bad = samples.filter((s) => !s.ok);
      results.set(row.name, {
        count,
        errors: bad.length,
        reasons: [...new Set(bad.map((s) => `${s.endpoint}: ${s.reason}`))].slice(0, 3),
        api: Math.max(0, d.api - idleRate.api * d.ms) / count,
        pg: Math.max(0, d.pg - idleRate.pg * d.ms) / count,
        worker: Math.max(0, d.worker - idleRate.worker * d.ms) / count,
        gen: (gen.user + gen.system) / count,
      });
    }
  } finally {
    await Promise.all(users.map((u) => u.close()));
    await server.stop();
  }
  return results;
}

/** CONCURRENCY users of the row's role at a time, each request from the next user, for durationS or max. */
async function drive(row: Row, vus: VirtualUser[], durationS: number, max = Infinity) {
  const end = performance.now() + durationS * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, vus.length) }, async () => {
      while (performance.now() < end && next < max) {
        const vu = vus[next++ % vus.length]!;
        row.before?.(vu);
        await vu.run(row.action);
      }
    }),
  );
}

/** Wait until the worker and PostgreSQL have stopped working (ingestion after a batch), at most 60 s. */
async function settle(pids: { server: number; worker?: number }, databaseName: string) {
  const deadline = performance.now() + 60_000;
  let last = snapshot(pids, databaseName);
  let quiet = 0;
  while (performance.now() < deadline && quiet < 2) {
    await sleep(300);
    const now = snapshot(pids, databaseName);
    const d = delta(last, now);
    // Idle: under 3 % of a core each over 300 ms.
    quiet = d.worker < 9_000 && d.pg < 9_000 && d.api < 9_000 ? quiet + 1 : 0;
    last = now;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

if (spawnSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: root, stdio: 'inherit' }).status !== 0) {
  throw new Error('build failed');
}
const created = await createTestDatabase();
const databaseName = new URL(created.url).pathname.slice(1);
const loads: string[] = [load()];
try {
  process.env.OSLRS_ADMIN_EMAIL = ADMIN_EMAIL;
  process.env.OSLRS_ADMIN_PASSWORD = ADMIN_PASSWORD;
  const seeded = await seedScale(created.url, {
    respondents: RESPONDENTS,
    submissions: SUBMISSIONS,
    chunk: 10_000,
    log: () => {},
  });
  console.error(`seeded ${seeded.staff} staff, ${seeded.respondents} respondents, ${seeded.submissions} submissions`);

  const all = new Map<string, Map<string, Measured>[]>(DISTS.map((d) => [d.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 ? DISTS : [...DISTS].reverse();
    for (const dist of order) {
      all.get(dist.name)!.push(await runBuild(dist, created.url, databaseName));
      loads.push(load());
      console.error(`round ${round}/${ROUNDS} ${dist.name} done (load ${load()})`);
    }
  }

  const p = mixProbabilities();
  const mixed = rows.filter((r) => r.weightOf(p) > 0);
  const apiShare = (p.page ?? 0) + (p.asset ?? 0);
  console.log(
    `\nCPU µs per request: one API process (built, production), job worker apart, PostgreSQL = this database's backends;` +
      `\n${CONCURRENCY} users at a time, ${DURATION_S} s per row (or its cap), ${ROUNDS} round(s) per build alternating; median (min–max).` +
      `\nSeed: ${SUBMISSIONS} submissions, ${RESPONDENTS} respondents, 200 staff. Mix: role shares × action weights (scenarios.ts);` +
      ` pages and assets (${(apiShare * 100).toFixed(1)} % of requests) are NGINX's and cost the API nothing.` +
      `\nSchema: ${(SCHEMA_200_SHARE * 100).toFixed(0)} % of fetches answered 200. Load average during the run: ${loads.join(' | ')}`,
  );
  const head = `${'action'.padEnd(18)} ${'build'.padEnd(8)} ${'mix %'.padStart(6)} ${'n'.padStart(5)} ${'API µs'.padStart(16)} ${'PostgreSQL µs'.padStart(16)} ${'worker µs'.padStart(14)} ${'sum µs'.padStart(7)} ${'share API/PG/worker/all %'.padStart(26)}`;
  console.log(`\n${head}\n${'-'.repeat(head.length)}`);
  const fmt = (xs: number[]) =>
    xs.length > 1
      ? `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`
      : median(xs).toFixed(0);
  const totals = new Map<string, { api: number; pg: number; worker: number; gen: number }>();
  const per = (dist: string, row: string, key: 'api' | 'pg' | 'worker' | 'gen') =>
    all.get(dist)!.map((r) => r.get(row)![key]);
  for (const d of DISTS) {
    const t = { api: 0, pg: 0, worker: 0, gen: 0 };
    for (const r of mixed) {
      const w = r.weightOf(p);
      t.api += w * median(per(d.name, r.name, 'api'));
      t.pg += w * median(per(d.name, r.name, 'pg'));
      t.worker += w * median(per(d.name, r.name, 'worker'));
      t.gen += w * median(per(d.name, r.name, 'gen'));
    }
    totals.set(d.name, t);
  }
  let failed = 0;
  for (const r of rows) {
    for (const d of DISTS) {
      const runs = all.get(d.name)!.map((x) => x.get(r.name)!);
      const api = per(d.name, r.name, 'api');
      const pg = per(d.name, r.name, 'pg');
      const worker = per(d.name, r.name, 'worker');
      const t = totals.get(d.name)!;
      const w = r.weightOf(p);
      const share = (x: number[], total: number) => ((w * median(x) * 100) / total).toFixed(1);
      const errors = runs.reduce((n, x) => n + x.errors, 0);
      failed += errors;
      console.log(
        `${r.name.padEnd(18)} ${d.name.padEnd(8)} ${(w * 100).toFixed(2).padStart(6)} ${String(median(runs.map((x) => x.count))).padStart(5)} ${fmt(api).padStart(16)} ${fmt(pg).padStart(16)} ${fmt(worker).padStart(14)} ${(median(api) + median(pg) + median(worker)).toFixed(0).padStart(7)} ${`${share(api, t.api)}/${share(pg, t.pg)}/${share(worker, t.worker)}/${share(
          api.map((a, i) => a + pg[i]! + worker[i]!),
          t.api + t.pg + t.worker,
        )}`.padStart(26)}${errors ? `  ${errors} errors: ${runs.flatMap((x) => x.reasons).join('; ')}` : ''}`,
      );
    }
  }
  console.log('');
  for (const d of DISTS) {
    const t = totals.get(d.name)!;
    const sum = t.api + t.pg + t.worker;
    const users = (us: number) => Math.round((2_000_000 / us) * 7.5);
    console.log(
      `${d.name}: per mix request API ${t.api.toFixed(0)} + PostgreSQL ${t.pg.toFixed(0)} + worker ${t.worker.toFixed(0)} = ${sum.toFixed(0)} µs` +
        ` → 2 cores: ${Math.round(2_000_000 / sum)} req/s, ~${users(sum).toLocaleString('en')} users (a request every 7.5 s);` +
        ` with NGINX + load generator (${OTHER_US} µs): ~${users(sum + OTHER_US).toLocaleString('en')} users.` +
        ` (This generator here: ${t.gen.toFixed(0)} µs.)`,
    );
  }
  if (failed) {
    console.error(`\n${failed} requests failed`);
    process.exitCode = 1;
  }
} finally {
  if (process.env.KEEP_DB) console.log(`kept database ${databaseName}`);
  else await created.drop();
}
