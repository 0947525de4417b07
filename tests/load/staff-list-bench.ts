/**
 * Staff list throughput and latency at 10,000 and 100,000 staff: the built server as its own process
 * on real PostgreSQL + Redis, driven over HTTP from this process. Each scenario is measured beside
 * /api/v1/health (no I/O) in the same run, so the ratios hold on a noisy machine; every run is
 * repeated (RUNS) and reported as the median with the spread (min–max).
 *
 * "before" is the exact count on every page (`?count=exact`, what every page did until issue 13
 * item 2); "after" is the default: a small set counted exactly by a bounded probe, a large one
 * estimated and its total cached per filter set (apps/api/src/infra/list-count.ts). CPU per
 * request is the API process's and its PostgreSQL backends' (utime + stime from /proc).
 *
 *   npm run bench:staff     (SIZES=10000,100000 RUNS=3 CONCURRENCY=16 DURATION_MS=3000 to change)
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../apps/api/src/infra/db.js';
import { measure, type LatencyReport } from './latency.js';
import { descendants, readProcs } from './monitor.js';
import { prepareDatabase, startBenchServer } from './server.js';

const SIZES = (process.env.SIZES ?? process.env.STAFF ?? '10000,100000').split(',').map(Number);
const RUNS = Number(process.env.RUNS ?? 3);
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const durationMs = Number(process.env.DURATION_MS ?? 3000);

interface Scenario {
  name: string;
  path: string;
  authed: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'GET /health (baseline, no I/O)', path: '/api/v1/health', authed: false },
  { name: 'staff page 1 — before (exact count)', path: '/api/v1/staff?page=1&pageSize=25&count=exact', authed: true },
  { name: 'staff page 1 — after', path: '/api/v1/staff?page=1&pageSize=25', authed: true },
  { name: 'staff page 40 — before', path: '/api/v1/staff?page=40&pageSize=25&count=exact', authed: true },
  { name: 'staff page 40 — after', path: '/api/v1/staff?page=40&pageSize=25', authed: true },
  {
    name: 'active enumerators — before',
    path: '/api/v1/staff?status=active&role=enumerator&count=exact',
    authed: true,
  },
  { name: 'active enumerators — after', path: '/api/v1/staff?status=active&role=enumerator', authed: true },
  { name: 'lga=ibadan_north — before', path: '/api/v1/staff?lga=ibadan_north&count=exact', authed: true },
  { name: 'lga=ibadan_north — after', path: '/api/v1/staff?lga=ibadan_north', authed: true },
];

interface Sample extends LatencyReport {
  /** CPU µs per request: the API process, and its PostgreSQL backends. */
  apiCpuUs: number;
  pgCpuUs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const spread = (xs: number[], digits: number) =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

async function benchSize(staff: number) {
  const prepared = await prepareDatabase();
  const seedStart = performance.now();
  await prepared.database.db.execute(sql`
    insert into users (id, email, full_name, phone, role, status, lga_code, created_at)
    select gen_random_uuid(),
           'staff' || g || '@bench.oslrs',
           (array['Adebayo','Chinwe','Folake','Ibrahim','Kehinde','Olu','Tunde','Yetunde'])[1 + g % 8] || ' ' ||
           (array['Adeyemi','Okafor','Balogun','Musa','Ogunleye','Afolabi','Lawal','Eze'])[1 + (g / 8) % 8] || ' ' || g,
           '+234803' || lpad(g::text, 7, '0'),
           (array['enumerator','enumerator','enumerator','supervisor','data_entry_clerk','verification_assessor','government_official'])[1 + g % 7],
           (array['active','active','active','invited','suspended','deactivated'])[1 + g % 6],
           (select code from lgas order by code offset (g % 33) limit 1),
           now() - (g || ' minutes')::interval
    from generate_series(1, ${staff}) g`);
  await prepared.database.db.execute(sql`vacuum analyze users`);
  console.log(`\nseeded ${staff} staff in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const server = await startBenchServer(prepared);
  try {
    // The server seals the seed's plaintext phones at start (rewriting every row): wait for it, then
    // vacuum, so the measurements (and the planner's estimates) see the table as it stays.
    for (;;) {
      const [left] = rowsOf<{ n: number }>(
        await prepared.database.db.execute(sql`select count(*)::int as n from users where phone is not null`),
      );
      if (!left!.n) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await prepared.database.db.execute(sql`vacuum analyze users`);
    const { url } = server;
    const authed = { headers: { cookie: server.admin.cookie } };
    // What each total says, estimated against exact.
    for (const q of ['', 'status=active&role=enumerator', 'lga=ibadan_north']) {
      const get = async (extra: string) =>
        (await (await fetch(`${url}/api/v1/staff?${q}${extra}`, authed)).json()) as {
          total: number;
          totalExact: boolean;
        };
      const [auto, exact] = [await get(''), await get(q ? '&count=exact' : 'count=exact')];
      console.log(
        `  ?${q || '(no filter)'}: default ${auto.total} (${auto.totalExact ? 'exact' : 'estimated'}), exact ${exact.total}` +
          (auto.totalExact
            ? ''
            : ` — estimate off by ${((100 * (auto.total - exact.total)) / exact.total).toFixed(1)} %`),
      );
    }

    const cpuTicks = () => {
      const table = readProcs();
      const api = descendants(table, server.pids.server).reduce((n, p) => n + table.get(p)!.ticks, 0);
      let pg = 0;
      for (const p of table.values())
        if (p.cmd.startsWith('postgres:') && p.cmd.includes(server.databaseName)) pg += p.ticks;
      return { api, pg };
    };
    const samples = new Map<string, Sample[]>(SCENARIOS.map((s) => [s.name, []]));
    for (let run = 1; run <= RUNS; run++) {
      for (const s of SCENARIOS) {
        const before = cpuTicks();
        const r = await measure(s.name, `${url}${s.path}`, s.authed ? authed : {}, { concurrency, durationMs });
        const after = cpuTicks();
        const perRequest = (ticks: number) => (ticks * 10_000) / Math.max(1, r.requests + 0); // 1 tick = 10 ms
        samples
          .get(s.name)!
          .push({ ...r, apiCpuUs: perRequest(after.api - before.api), pgCpuUs: perRequest(after.pg - before.pg) });
      }
      process.stdout.write(`  run ${run}/${RUNS} done\n`);
    }

    const health = samples.get(SCENARIOS[0]!.name)!;
    console.log(
      `\n${staff} staff; one API process (built, NODE_ENV=production); ${concurrency} clients; ${durationMs / 1000} s per scenario; ` +
        `${RUNS} runs: median (min–max). "/health" columns: this scenario's req/s as % of /health's and its p95 over /health's, in the same run.`,
    );
    console.log(
      `${'scenario'.padEnd(38)} ${'req/s'.padStart(7)} ${'(spread)'.padStart(11)} ${'p95 ms'.padStart(7)} ${'(spread)'.padStart(11)} ${'% health'.padStart(9)} ${'p95/health'.padStart(10)} ${'API µs/req'.padStart(10)} ${'PG µs/req'.padStart(9)} ${'errors'.padStart(6)}`,
    );
    const table: Record<string, { rps: number; p95: number }> = {};
    for (const s of SCENARIOS) {
      const xs = samples.get(s.name)!;
      const rpsRatio = xs.map((x, i) => (100 * x.rps) / health[i]!.rps);
      const p95Ratio = xs.map((x, i) => x.p95 / health[i]!.p95);
      table[s.name] = { rps: median(xs.map((x) => x.rps)), p95: median(xs.map((x) => x.p95)) };
      console.log(
        `${s.name.padEnd(38)} ${median(xs.map((x) => x.rps))
          .toFixed(0)
          .padStart(7)} ${`(${spread(
          xs.map((x) => x.rps),
          0,
        )})`.padStart(11)} ${median(xs.map((x) => x.p95))
          .toFixed(2)
          .padStart(7)} ${`(${spread(
          xs.map((x) => x.p95),
          2,
        )})`.padStart(
          11,
        )} ${`${median(rpsRatio).toFixed(0)} %`.padStart(9)} ${`${median(p95Ratio).toFixed(1)}×`.padStart(10)} ${median(
          xs.map((x) => x.apiCpuUs),
        )
          .toFixed(0)
          .padStart(10)} ${median(xs.map((x) => x.pgCpuUs))
          .toFixed(0)
          .padStart(9)} ${String(xs.reduce((n, x) => n + x.errors, 0)).padStart(6)}`,
      );
    }
    console.log('\nafter / before (median req/s ratio, per run spread):');
    for (const s of SCENARIOS.filter((x) => x.name.endsWith('— after'))) {
      const beforeName = SCENARIOS.find((x) => x.name.startsWith(s.name.replace(' — after', '')) && x !== s)!.name;
      const a = samples.get(s.name)!;
      const b = samples.get(beforeName)!;
      const ratios = a.map((x, i) => x.rps / b[i]!.rps);
      console.log(
        `  ${s.name.replace(' — after', '').padEnd(28)} ${median(ratios).toFixed(2)}× req/s (${spread(ratios, 2)}), p95 ${table[beforeName]!.p95.toFixed(2)} → ${table[s.name]!.p95.toFixed(2)} ms`,
      );
    }
    return [...samples.values()].flat().reduce((n, x) => n + x.errors, 0);
  } finally {
    await server.stop();
  }
}

let failed = 0;
for (const size of SIZES) failed += await benchSize(size);
if (failed) {
  console.error(`\n${failed} requests failed`);
  process.exitCode = 1;
}
