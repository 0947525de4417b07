/**
 * `npm run bench`: the figures in one table. One built API process (NODE_ENV=production, the shipped
 * log level, its log written to a file as PM2 does) on a fresh database, the job worker as its own
 * process; a bare node:http server answering the same /health JSON; every row measured in rounds
 * that alternate between them, so each ratio compares figures taken minutes apart at most.
 *
 * For each row: req/s (median of ROUNDS, with the spread), CPU µs per request of the serving process
 * (its /proc utime + stime over the run, divided by the requests answered), and the ratio of its
 * req/s to /health and to bare node:http in the same round. Ingestion (submissions/s end to end) and
 * the engine (validations/s in-process) come from their own benchmarks, run after, and are printed
 * below the table as their own figures.
 *
 *   npm run bench                 (ROUNDS=3 DURATION_S=4 CONNECTIONS=32 STAFF=10000; SKIP=ingest,engine;
 *                                  ROWS=me,staff to keep only some rows; API_DIST=dir another build)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { startBare } from './health-compare.js';
import { prepareDatabase, root, startBenchServer } from './server.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION_S = Number(process.env.DURATION_S ?? 4);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const STAFF = Number(process.env.STAFF ?? 10_000);
const SKIP = new Set((process.env.SKIP ?? '').split(',').filter(Boolean));

const TICK_US = 1_000_000 / Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim() || 100);

/** CPU time (user + system) of a process and its children so far, in µs. */
function cpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime are fields 14 and 15 (1-based); after the ')' they are at index 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

interface Target {
  name: string;
  url: string;
  headers?: Record<string, string>;
  /** The process whose CPU this row's requests cost. */
  pid: () => number;
}

interface Sample {
  rps: number;
  cpuUsPerRequest: number;
  p99: number;
  failed: number;
}

async function run(t: Target, durationS: number): Promise<Sample> {
  const pid = t.pid();
  const before = cpuUs(pid);
  const result = await autocannon({
    url: t.url,
    headers: t.headers,
    connections: CONNECTIONS,
    duration: durationS,
    pipelining: 1,
  });
  const cpu = cpuUs(pid) - before;
  const answered = result.requests.total;
  return {
    rps: result.requests.average,
    cpuUsPerRequest: answered ? cpu / answered : NaN,
    p99: result.latency.p99,
    failed: result.errors + result.timeouts + result['4xx'] + result['5xx'],
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const spread = (xs: number[], digits = 0) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

const prepared = await prepareDatabase();
await prepared.database.db.execute(sql`
  insert into users (id, email, full_name, phone, role, status, lga_code, created_at)
  select gen_random_uuid(), 'staff' || g || '@bench.oslrs',
         (array['Adebayo','Chinwe','Folake','Ibrahim'])[1 + g % 4] || ' ' || (array['Adeyemi','Okafor','Balogun','Musa'])[1 + (g / 4) % 4] || ' ' || g,
         '+234803' || lpad(g::text, 7, '0'),
         (array['enumerator','enumerator','supervisor','data_entry_clerk'])[1 + g % 4],
         (array['active','active','invited','suspended'])[1 + g % 4],
         (select code from lgas order by code offset (g % 33) limit 1),
         now() - (g || ' minutes')::interval
    from generate_series(1, ${STAFF}) g`);
await prepared.database.db.execute(sql`analyze users`);

const server = await startBenchServer(prepared, {
  separateWorker: true,
  // API_DIST: another build to measure (e.g. one kept in tests/load/.tmp/ from before a change).
  dist: process.env.API_DIST,
  env: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' },
});
const bare = await startBare(3990 + Math.floor(Math.random() * 9), 1);
try {
  const { url, admin } = server;
  const cookie = { cookie: admin.cookie };
  // The master questionnaire, published: its schema is what every device fetches.
  const form = new FormData();
  form.append(
    'file',
    new Blob([readFileSync(join(root, 'apps/api/test/fixtures/xlsform/oslsr_master_v3.xlsx'))]),
    'm.xlsx',
  );
  const writeHeaders = { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken };
  const imported = await fetch(`${url}/api/v1/questionnaires/import`, {
    method: 'POST',
    headers: writeHeaders,
    body: form,
  });
  if (imported.status !== 201) throw new Error(`import failed: ${imported.status} ${await imported.text()}`);
  const { questionnaire } = (await imported.json()) as { questionnaire: { id: string } };
  const published = await fetch(`${url}/api/v1/questionnaires/${questionnaire.id}/publish`, {
    method: 'POST',
    headers: writeHeaders,
  });
  if (published.status !== 201) throw new Error(`publish failed: ${published.status}`);
  const schemaUrl = `${url}/api/v1/forms/${questionnaire.id}/schema`;
  const etag = (await fetch(schemaUrl)).headers.get('etag')!;

  const api = () => server.pids.server;
  const targets: Target[] = [
    { name: 'bare node:http /health', url: `${bare.url}/api/v1/health`, pid: () => bare.child.pid! },
    { name: 'GET /api/v1/health', url: `${url}/api/v1/health`, pid: api },
    { name: 'GET /auth/me (signed in)', url: `${url}/api/v1/auth/me`, headers: cookie, pid: api },
    { name: `GET /staff (${STAFF} staff, page 1)`, url: `${url}/api/v1/staff?pageSize=25`, headers: cookie, pid: api },
    { name: 'GET /staff ?lga=ibadan_north', url: `${url}/api/v1/staff?lga=ibadan_north`, headers: cookie, pid: api },
    { name: 'GET form schema (If-None-Match → 304)', url: schemaUrl, headers: { 'if-none-match': etag }, pid: api },
    { name: 'GET form schema → 200', url: schemaUrl, pid: api },
    { name: 'GET /marketplace/profiles?q=tailor', url: `${url}/api/v1/marketplace/profiles?q=tailor`, pid: api },
    { name: 'GET /reports/summary (official view)', url: `${url}/api/v1/reports/summary`, headers: cookie, pid: api },
  ];
  // ROWS=health,me keeps only the rows whose name contains one of these (bare and /health always stay).
  const only = (process.env.ROWS ?? '').split(',').filter(Boolean);
  if (only.length)
    targets.splice(
      0,
      targets.length,
      ...targets.filter((t, i) => i < 2 || only.some((o) => t.name.toLowerCase().includes(o.toLowerCase()))),
    );
  for (const t of targets) {
    const probe = await fetch(t.url, { headers: t.headers });
    if (!probe.ok && probe.status !== 304) throw new Error(`${t.name}: ${probe.status} ${await probe.text()}`);
  }
  // Warm both servers (JIT, pools) before the first measured round.
  for (const t of targets) await run(t, 1);

  const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const t of targets) samples.get(t.name)!.push(await run(t, DURATION_S));
    console.error(`round ${round}/${ROUNDS} done`);
  }

  const health = samples.get('GET /api/v1/health')!;
  const bareS = samples.get('bare node:http /health')!;
  console.log(
    `\nOne API process (built, NODE_ENV=production, LOG_LEVEL=info to a pipe), job worker apart; ` +
      `${CONNECTIONS} connections; ${ROUNDS} rounds × ${DURATION_S} s per row, rows alternating. Median (min–max).`,
  );
  const head = `${'row'.padEnd(42)} ${'req/s'.padStart(16)} ${'CPU µs/req'.padStart(15)} ${'p99 ms'.padStart(7)} ${'÷ /health'.padStart(17)} ${'÷ bare'.padStart(17)}`;
  console.log(`\n${head}\n${'-'.repeat(head.length)}`);
  let failed = 0;
  for (const t of targets) {
    const s = samples.get(t.name)!;
    const rps = s.map((x) => x.rps);
    const cpu = s.map((x) => x.cpuUsPerRequest);
    const toHealth = s.map((x, i) => x.rps / health[i]!.rps);
    const toBare = s.map((x, i) => x.rps / bareS[i]!.rps);
    const rowFailed = s.reduce((n, x) => n + x.failed, 0);
    failed += rowFailed;
    console.log(
      `${t.name.padEnd(42)} ${`${median(rps).toFixed(0)} (${spread(rps)})`.padStart(16)} ${`${median(cpu).toFixed(0)} (${spread(cpu)})`.padStart(15)} ${String(median(s.map((x) => x.p99))).padStart(7)} ${`${(median(toHealth) * 100).toFixed(0)}% (${spread(toHealth.map((r) => r * 100))})`.padStart(17)} ${`${(median(toBare) * 100).toFixed(0)}% (${spread(toBare.map((r) => r * 100))})`.padStart(17)}${rowFailed ? `  ${rowFailed} failed` : ''}`,
    );
  }
  if (failed) {
    console.error(`\n${failed} requests failed or answered other than 2xx/304`);
    process.exitCode = 1;
  }
} finally {
  bare.stop();
  await server.stop();
}

// The figures that are not HTTP rows, from their own benchmarks (each prints its own table).
for (const [name, script] of [
  ['engine', 'engine-bench.ts'],
  ['ingest', 'ingestion-bench.ts'],
] as const) {
  if (SKIP.has(name)) continue;
  console.log(`\n--- npm run bench:${name} ---`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'tests/load', script)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exitCode = 1;
}
