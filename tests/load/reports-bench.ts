/**
 * Report summary latency at the registry's scale (issue 11: p95 ≤ 100 ms with 100,000 respondents /
 * 1,000,000 submissions, any filter combination): `seed:scale` into a fresh database (which rebuilds
 * the rollups), the built server as its own process, driven over HTTP from this process and compared
 * in the same run against /api/v1/health (no I/O). Every scenario is measured ROUNDS times; the table
 * shows each round, and the spread of p95 between rounds is printed per scenario.
 *
 *   npm run bench:reports     (RESPONDENTS=100000 SUBMISSIONS=1000000 CONCURRENCY=8 DURATION_MS=5000 ROUNDS=2)
 *   KEEP_DATABASE=1 npm run bench:reports, then REUSE_DATABASE_URL=<printed url> npm run bench:reports
 *   (a second run on the same data without seeding again; drop the database afterwards)
 */
import { measure, printTable, type LatencyReport } from './latency.js';
import { prepareDatabase, root, startBenchServer } from './server.js';
import { seedScale } from './seed-scale.js';

const respondents = Number(process.env.RESPONDENTS ?? 100_000);
const submissions = Number(process.env.SUBMISSIONS ?? 1_000_000);
const concurrency = Number(process.env.CONCURRENCY ?? 8);
const durationMs = Number(process.env.DURATION_MS ?? 5000);
const rounds = Number(process.env.ROUNDS ?? 2);

// REUSE_DATABASE_URL: a database an earlier run kept (KEEP_DATABASE=1), already seeded: skip the seeding.
const reuse = process.env.REUSE_DATABASE_URL;
const keep = !!process.env.KEEP_DATABASE || !!reuse;
let prepared: Awaited<ReturnType<typeof prepareDatabase>>;
if (reuse) {
  const { spawnSync } = await import('node:child_process');
  spawnSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: root, stdio: 'inherit' });
  const { createPostgres } = await import('../../apps/api/src/infra/db.js');
  prepared = {
    target: { url: reuse, ownerUrl: reuse, appUrl: reuse, drop: async () => {} },
    database: createPostgres(reuse, 2),
  };
  console.log(`reusing ${new URL(reuse).pathname.slice(1)} (seeded by an earlier run)`);
} else {
  prepared = await prepareDatabase();
  const seeded = await seedScale(prepared.target.url, { respondents, submissions, log: () => {} });
  console.log(
    `seeded ${seeded.respondents.toLocaleString('en')} respondents / ${seeded.submissions.toLocaleString('en')} submissions in ${seeded.seconds.toFixed(0)} s (rollups rebuilt)`,
  );
  if (keep) {
    prepared.target.drop = async () => {};
    const name = new URL(prepared.target.url).pathname.slice(1);
    console.log(`keeping the database: REUSE_DATABASE_URL=${prepared.target.url} (afterwards: drop database ${name})`);
  }
}

const day = (daysAgo: number) => new Date(Date.now() + 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
const SCENARIOS: [string, string][] = [
  ['no filter (all time)', ''],
  ['lga=ibadan_north', 'lga=ibadan_north'],
  ['30 days (mid-range)', `from=${day(60)}&to=${day(30)}`],
  ['status=verified&channel=public', 'status=verified&channel=public'],
  ['lga+channel+status+45 days', `lga=oyo_east&channel=enumerator&status=active&from=${day(50)}&to=${day(5)}`],
  ['10 years (month buckets)', `from=${day(3600)}&to=${day(0)}`],
  ['one day, lga=saki_west', `from=${day(10)}&to=${day(10)}&lga=saki_west`],
];

const server = await startBenchServer(prepared);
try {
  const { url } = server;
  const authed = { headers: { cookie: server.admin.cookie } };
  const opts = { concurrency, durationMs };
  const all: LatencyReport[][] = [];
  for (let round = 1; round <= rounds; round++) {
    const health = await measure(`#${round} GET /health (baseline)`, `${url}/api/v1/health`, {}, opts);
    const rows = [health];
    for (const [name, query] of SCENARIOS)
      rows.push(await measure(`#${round} ${name}`, `${url}/api/v1/reports/summary?${query}`, authed, opts));
    printTable(rows, health);
    all.push(rows);
  }
  console.log(
    `\n${respondents.toLocaleString('en')} respondents; one API process (built, NODE_ENV=production); ${concurrency} concurrent clients; ${durationMs / 1000} s per scenario; ${rounds} rounds`,
  );
  console.log(`\n${'scenario'.padEnd(38)} ${'p95 per round (ms)'.padEnd(28)} spread`);
  for (let i = 0; i < all[0]!.length; i++) {
    const p95s = all.map((rows) => rows[i]!.p95);
    const name = all[0]![i]!.name.replace(/^#1 /, '');
    console.log(
      `${name.padEnd(38)} ${p95s
        .map((p) => p.toFixed(1))
        .join(' / ')
        .padEnd(28)} ${(Math.max(...p95s) - Math.min(...p95s)).toFixed(1)} ms`,
    );
  }
  const worst = Math.max(...all.flatMap((rows) => rows.slice(1).map((r) => r.p95)));
  console.log(`\nworst summary p95: ${worst.toFixed(1)} ms (goal ≤ 100 ms)`);
  const failed = all.flat().reduce((n, r) => n + r.errors, 0);
  if (failed) {
    console.error(`\n${failed} requests failed`);
    process.exitCode = 1;
  }
} finally {
  await server.stop();
}
