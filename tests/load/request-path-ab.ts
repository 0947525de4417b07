/**
 * `npm run bench:request-path`: the per-request cost of the API, each build served by several
 * processes at once beside a bare node:http server, measured in alternating rounds in the same
 * minutes. For `GET /api/v1/health` and `GET /api/v1/auth/me` (signed in): CPU µs per request of
 * each API process (its /proc utime + stime over the round, divided by the requests answered),
 * req/s, and /health's req/s ÷ bare node:http in the same round; then, per build, the spread over
 * its processes.
 *
 * Several processes per build, because one process is not a measurement: identical processes of the
 * same build settle, each for its lifetime, into one of two costs (on the 2-vCPU EPYC host of
 * 2026-12-07, /health at 35–40 µs or at 46–51 µs; the slow ones spend the difference in V8's
 * runtime — `JSObject::MigrateToMap` and `Runtime_DefineKeyedOwnPropertyInLiteral` under
 * `process.nextTick`'s tick object, which the fast ones never call). A single-process A/B compares
 * whichever states the two processes drew.
 *
 *   npm run bench:request-path
 *     (PROCESSES=3 ROUNDS=5 DURATION_S=3 CONNECTIONS=32 ROWS=health|me PERF=1)
 *   BASE_DIST=apps/api/.base-dist npm run bench:request-path
 *     (a build from before a change, kept with `cp -r apps/api/dist apps/api/.base-dist`, beside
 *      this one; both serve apps/web/dist)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startBare } from './health-compare.js';
import { prepareDatabase, root, startBenchServer, type BenchServer } from './server.js';

const PROCESSES = Number(process.env.PROCESSES ?? 3);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const DURATION_S = Number(process.env.DURATION_S ?? 3);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const BASE_DIST = process.env.BASE_DIST;
const TICK_US = 1_000_000 / Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim() || 100);

function cpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

async function run(url: string, pid: number, headers?: Record<string, string>, durationS = DURATION_S) {
  const before = cpuUs(pid);
  const r = await autocannon({ url, headers, connections: CONNECTIONS, duration: durationS, pipelining: 1 });
  const failed = r.errors + r.timeouts + r['4xx'] + r['5xx'];
  if (failed) throw new Error(`${url}: ${failed} requests failed`);
  return { rps: r.requests.average, us: (cpuUs(pid) - before) / r.requests.total };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Ports are drawn at random (server.ts): a start that found its port taken is tried again. */
async function startServer(prepared: Awaited<ReturnType<typeof prepareDatabase>>, dist: string | undefined) {
  const env = {
    WEB_DIST: join(root, 'apps/web/dist'),
    LOG_LEVEL: 'info',
    // PERF=1: JIT symbols for `perf record -p <pid>` (each row names its process).
    ...(process.env.PERF ? { NODE_OPTIONS: '--perf-basic-prof-only-functions' } : {}),
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await startBenchServer(prepared, { separateWorker: true, dist, env });
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

interface Row {
  name: string;
  build: string;
  route: 'bare' | 'health' | 'me';
  url: string;
  pid: number;
  headers?: Record<string, string>;
}

const prepared = await prepareDatabase();
const builds = BASE_DIST ? [{ label: 'before', dist: BASE_DIST }, { label: 'after' }] : [{ label: 'build' }];
const servers: { label: string; server: BenchServer }[] = [];
const bare = await startBare(3990 + Math.floor(Math.random() * 9), 1);
const loads: number[] = [];
try {
  // Started interleaved (before 1, after 1, before 2, …) so neither build has all the later starts.
  for (let i = 0; i < PROCESSES; i++)
    for (const b of builds) servers.push({ label: b.label, server: await startServer(prepared, b.dist) });
  const only = process.env.ROWS;
  const rows: Row[] = [
    {
      name: 'bare node:http /health',
      build: 'bare',
      route: 'bare',
      url: `${bare.url}/api/v1/health`,
      pid: bare.child.pid!,
    },
    ...servers.flatMap(({ label, server }, i): Row[] => {
      const n = `${label} #${Math.floor(i / builds.length) + 1} (pid ${server.pids.server})`;
      return [
        {
          name: `${n} /health`,
          build: label,
          route: 'health',
          url: `${server.url}/api/v1/health`,
          pid: server.pids.server,
        },
        {
          name: `${n} /auth/me`,
          build: label,
          route: 'me',
          url: `${server.url}/api/v1/auth/me`,
          pid: server.pids.server,
          headers: { cookie: server.admin.cookie },
        },
      ];
    }),
  ].filter((r) => !only || r.route === 'bare' || r.route === only);
  for (const r of rows) await run(r.url, r.pid, r.headers, 1);
  const samples = new Map(rows.map((r) => [r, [] as { rps: number; us: number }[]]));
  for (let round = 0; round < ROUNDS; round++) {
    // Every other round in the opposite order.
    const order = round % 2 ? [rows[0]!, ...rows.slice(1).reverse()] : rows;
    for (const r of order) samples.get(r)!.push(await run(r.url, r.pid, r.headers));
    loads.push(loadavg()[0]!);
    process.stderr.write(`round ${round + 1}/${ROUNDS}\n`);
  }
  const bareS = samples.get(rows[0]!)!;
  const toBare = (r: Row) => samples.get(r)!.map((x, i) => (x.rps / bareS[i]!.rps) * 100);
  console.log(
    `\n${PROCESSES} process(es) per build, ${ROUNDS} rounds × ${DURATION_S} s, ${CONNECTIONS} connections, ` +
      `rows alternating; median (min–max) of the rounds; load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
  );
  for (const r of rows) {
    const s = samples.get(r)!;
    const us = s.map((x) => x.us);
    const rps = s.map((x) => x.rps);
    const ratio = toBare(r);
    console.log(
      `${r.name.padEnd(40)} CPU µs/req ${median(us).toFixed(1).padStart(5)} (${Math.min(...us).toFixed(1)}–${Math.max(...us).toFixed(1)})  ` +
        `req/s ${median(rps).toFixed(0).padStart(6)}  ` +
        `÷ bare ${median(ratio).toFixed(0).padStart(3)} % (${Math.min(...ratio).toFixed(0)}–${Math.max(...ratio).toFixed(0)})`,
    );
  }
  // Per build and route: each process's median, then their spread.
  console.log('\nper build, over its processes (each process its median of the rounds): lowest / median / highest');
  for (const b of builds)
    for (const route of ['health', 'me'] as const) {
      const mine = rows.filter((r) => r.build === b.label && r.route === route);
      if (!mine.length) continue;
      const us = mine.map((r) => median(samples.get(r)!.map((x) => x.us)));
      // /health against bare; /auth/me against its own process's /health, when that was measured.
      const baseOf = (r: Row) => {
        if (route === 'health') return bareS;
        const health = rows.find((h) => h.pid === r.pid && h.route === 'health');
        return health && samples.get(health);
      };
      const ratio = mine.map((r) => {
        const base = baseOf(r);
        return base ? median(samples.get(r)!.map((x, i) => (x.rps / base[i]!.rps) * 100)) : NaN;
      });
      const fmt = (xs: number[], digits = 0) =>
        `${Math.min(...xs).toFixed(digits)} / ${median(xs).toFixed(digits)} / ${Math.max(...xs).toFixed(digits)}`;
      console.log(
        `${`${b.label} /${route === 'me' ? 'auth/me' : 'health'}`.padEnd(20)} CPU µs/req ${fmt(us, 1)}   ` +
          `${route === 'health' ? '÷ bare' : '÷ its /health'} ${fmt(ratio)} %`,
      );
    }
} finally {
  bare.stop();
  // The servers share the database: all but the last only end their processes.
  for (const { server } of servers.slice(0, -1)) {
    process.kill(server.pids.server);
    if (server.pids.worker) process.kill(server.pids.worker);
  }
  await servers.at(-1)?.server.stop();
}
