/**
 * `npm run bench:request-path`: the per-request cost of two builds of the API, served at once and
 * measured in alternating rounds in the same minutes, beside a bare node:http server. For
 * `GET /api/v1/health` and `GET /api/v1/auth/me` (signed in): CPU µs per request of each API process
 * (its /proc utime + stime over the round, divided by the requests answered) and req/s, median (min)
 * over ROUNDS, and /health's req/s ÷ bare node:http in the same round.
 *
 *   BASE_DIST=apps/api/.base-dist npm run bench:request-path
 *     (ROUNDS=10 DURATION_S=2 CONNECTIONS=32; the build before a change kept with
 *      `cp -r apps/api/dist apps/api/.base-dist`; both serve apps/web/dist)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startBare } from './health-compare.js';
import { prepareDatabase, root, startBenchServer } from './server.js';

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const DURATION_S = Number(process.env.DURATION_S ?? 2);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const BASE_DIST = process.env.BASE_DIST ?? 'apps/api/.base-dist';
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

const env = { WEB_DIST: join(root, 'apps/web/dist'), LOG_LEVEL: 'info' };
const prepared = await prepareDatabase();
const before = await startBenchServer(prepared, { separateWorker: true, dist: BASE_DIST, env });
const after = await startBenchServer(prepared, {
  separateWorker: true,
  // PERF=1: JIT symbols for `perf record -p <pid>` on the build after (its pid is printed).
  env: process.env.PERF ? { ...env, NODE_OPTIONS: '--perf-basic-prof-only-functions' } : env,
});
if (process.env.PERF) process.stderr.write(`after: pid ${after.pids.server}\n`);
const bare = await startBare(3990 + Math.floor(Math.random() * 9), 1);
const loads: number[] = [];
try {
  const rows = [
    { name: 'bare node:http /health', url: `${bare.url}/api/v1/health`, pid: bare.child.pid! },
    ...[
      ['before', before],
      ['after', after],
    ].flatMap(([label, s]) => {
      const server = s as typeof before;
      return [
        { name: `${label} /health`, url: `${server.url}/api/v1/health`, pid: server.pids.server },
        {
          name: `${label} /auth/me`,
          url: `${server.url}/api/v1/auth/me`,
          pid: server.pids.server,
          headers: { cookie: server.admin.cookie },
        },
      ];
    }),
  ];
  // ROWS=health: only the /health rows (and bare), e.g. while profiling.
  const only = process.env.ROWS;
  if (only) rows.splice(0, rows.length, ...rows.filter((r, i) => i === 0 || r.name.includes(only)));
  for (const r of rows) await run(r.url, r.pid, r.headers, 1);
  const samples = new Map(rows.map((r) => [r.name, [] as { rps: number; us: number }[]]));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order of the two builds each round.
    const half = (rows.length - 1) / 2;
    const order = round % 2 ? [rows[0]!, ...rows.slice(1 + half), ...rows.slice(1, 1 + half)] : rows;
    for (const r of order) samples.get(r.name)!.push(await run(r.url, r.pid, r.headers));
    loads.push(loadavg()[0]!);
    process.stderr.write(`round ${round + 1}/${ROUNDS}\n`);
  }
  const bareS = samples.get('bare node:http /health')!;
  console.log(
    `\n${ROUNDS} rounds × ${DURATION_S} s, ${CONNECTIONS} connections, builds alternating; median (min); ` +
      `load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
  );
  for (const r of rows) {
    const s = samples.get(r.name)!;
    const us = s.map((x) => x.us);
    const rps = s.map((x) => x.rps);
    const toBare = s.map((x, i) => (x.rps / bareS[i]!.rps) * 100);
    console.log(
      `${r.name.padEnd(24)} CPU µs/req ${median(us).toFixed(1)} (${Math.min(...us).toFixed(1)})  ` +
        `req/s ${median(rps).toFixed(0)} (${Math.min(...rps).toFixed(0)}–${Math.max(...rps).toFixed(0)})  ` +
        `÷ bare ${median(toBare).toFixed(0)} % (${Math.min(...toBare).toFixed(0)}–${Math.max(...toBare).toFixed(0)})`,
    );
  }
} finally {
  bare.stop();
  // Both builds share the database: the one stopped second only ends its processes.
  process.kill(before.pids.server);
  if (before.pids.worker) process.kill(before.pids.worker);
  await after.stop();
}
