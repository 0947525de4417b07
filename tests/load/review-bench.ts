/**
 * The overseers' review list (GET /api/v1/submissions/review) at registry scale: the built server as
 * its own process on a database seeded by seed-scale.ts (1,000,000 submissions by default), driven
 * over HTTP. Page 1 and a deep page (a keyset cursor far down the list) for: statewide newest first,
 * one LGA newest first (a supervisor), most suspicious first (statewide and one LGA), a band filter
 * and a review-status filter. Compared in the same run against /api/v1/health (no I/O).
 *
 *   npm run bench:review
 *     SUBMISSIONS=1000000 RESPONDENTS=100000   the scale (seeded once into REVIEW_BENCH_DB, then reused)
 *     REVIEW_BENCH_DB=oslrs_bench_review       the database (created when missing; kept between runs)
 *     DEEP=250000                              rows skipped for the deep pages (page 10,000 at 25 a page)
 *     CONCURRENCY=8 DURATION_MS=4000 RUNS=3    load per scenario; RUNS repeats the table (the spread)
 */
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { LGA_CODES } from '@oslrs/core';
import { createPostgres } from '../../apps/api/src/infra/db.js';
import { encodeCursor } from '../../apps/api/src/modules/submissions/review.js';
import { hashPassword } from '../../apps/api/src/modules/auth/passwords.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_DATABASE_URL, withDatabase } from '../../apps/api/test/harness.js';
import { LOAD_PASSWORD, loadEmail } from './accounts.js';
import { measure, printTable, type LatencyReport } from './latency.js';
import { seedScale } from './seed-scale.js';
import { prepareDatabase, startBenchServer } from './server.js';

const SUBMISSIONS = Number(process.env.SUBMISSIONS ?? 1_000_000);
const RESPONDENTS = Number(process.env.RESPONDENTS ?? Math.min(100_000, SUBMISSIONS));
const DB_NAME = process.env.REVIEW_BENCH_DB ?? 'oslrs_bench_review';
const DEEP = Number(process.env.DEEP ?? 250_000);
const concurrency = Number(process.env.CONCURRENCY ?? 8);
const durationMs = Number(process.env.DURATION_MS ?? 4000);
const runs = Number(process.env.RUNS ?? 3);

// The seeded database is kept between runs: seeding a million submissions takes minutes.
const url = withDatabase(TEST_DATABASE_URL, DB_NAME);
const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
await admin.connect();
if (!(await admin.query('select 1 from pg_database where datname = $1', [DB_NAME])).rowCount)
  await admin.query(`create database ${DB_NAME}`);
await admin.end();

const client = new pg.Client({ connectionString: url });
await client.connect();
const have = await client
  .query('select count(*)::int as n from submissions')
  .then((r) => r.rows[0].n as number)
  .catch(() => 0);
if (have < SUBMISSIONS) {
  console.log(`seeding ${SUBMISSIONS.toLocaleString('en')} submissions into ${DB_NAME} (it holds ${have})…`);
  const seeded = await seedScale(url, {
    respondents: RESPONDENTS,
    submissions: SUBMISSIONS - have,
    force: have > 0,
    log: () => {},
  });
  console.log(`seeded in ${seeded.seconds.toFixed(0)} s`);
} else console.log(`${DB_NAME} holds ${have.toLocaleString('en')} submissions (seeded before; reused)`);
const total = (await client.query('select count(*)::int as n from submissions')).rows[0].n as number;
// A database seeded before seed-scale.ts set submissions' LGA (migration 0010's scope column): backfill it once.
const unscoped = (await client.query('select count(*)::int as n from submissions where lga_code is null')).rows[0]
  .n as number;
if (unscoped > 0) {
  console.log(`backfilling lga_code on ${unscoped.toLocaleString('en')} submissions…`);
  await client.query(`update submissions set lga_code = answers->>'lga_id' where lga_code is null`);
  await client.query('vacuum analyze submissions');
}

/** The cursor that starts after `offset` rows of this order (what a client holds on a deep page). */
async function cursorAt(sort: 'recent' | 'score', where: string, params: unknown[], offset: number) {
  const order =
    sort === 'score'
      ? 'coalesce(fraud_score, -1) desc, completed_at desc nulls last, id desc nulls last'
      : 'completed_at desc nulls last, id desc nulls last';
  const { rows } = await client.query(
    `select coalesce(fraud_score, -1) as score, completed_at::text as at, id from submissions
      ${where} order by ${order} offset ${offset} limit 1`,
    params,
  );
  if (!rows[0]) throw new Error(`fewer than ${offset} rows for ${where}`);
  return encodeURIComponent(encodeCursor(sort, rows[0] as { score: number; at: string; id: string }));
}

// The supervisor of the seed's first LGA (accounts.ts): their list is scoped to it.
const lga = LGA_CODES[0]!;
const lgaRows = (await client.query('select count(*)::int as n from submissions where lga_code = $1', [lga])).rows[0]
  .n as number;
const lgaDeep = Math.floor(lgaRows / 2);
const deep = {
  recent: await cursorAt('recent', '', [], DEEP),
  score: await cursorAt('score', '', [], DEEP),
  lgaRecent: await cursorAt('recent', 'where lga_code = $1', [lga], lgaDeep),
  lgaScore: await cursorAt('score', 'where lga_code = $1', [lga], lgaDeep),
};
// startBenchServer signs in as the test harness's super admin: make sure the kept database has them.
await client.query(
  `insert into users (id, email, full_name, role, status, password_hash, activated_at)
   values ($1, $2, 'Bench admin', 'super_admin', 'active', $3, now()) on conflict do nothing`,
  [uuidv7(), ADMIN_EMAIL, await hashPassword(ADMIN_PASSWORD)],
);

// The enumerator with the most submissions (a supervisor's "this person's work" filter).
const busiest = (
  await client.query(
    `select submitted_by as id, count(*)::int as n from submissions where channel = 'enumerator'
      group by submitted_by order by n desc limit 1`,
  )
).rows[0] as { id: string; n: number };
await client.end();

// The bench server on the kept database (startBenchServer drops its database on stop: not this one).
const prepared = await prepareDatabase();
await prepared.target.drop();
await prepared.database.close();
const database = createPostgres(url, 2);
const server = await startBenchServer({ target: { ...prepared.target, url, drop: async () => {} }, database });
try {
  const signIn = async (email: string, password: string) => {
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error(`sign-in ${email}: ${res.status} ${await res.text()}`);
    return { headers: { cookie: res.headers.get('set-cookie')!.split(';')[0]! } };
  };
  const statewide = await signIn(loadEmail('super_admin', 1), LOAD_PASSWORD);
  const supervisor = await signIn(loadEmail('supervisor', 1), LOAD_PASSWORD);
  const base = `${server.url}/api/v1/submissions/review?limit=25`;
  const opts = { concurrency, durationMs };
  const scenarios: [string, string, RequestInit][] = [
    ['all LGAs, recent, page 1', `${base}&sort=recent`, statewide],
    [`all LGAs, recent, deep (+${DEEP.toLocaleString('en')})`, `${base}&sort=recent&cursor=${deep.recent}`, statewide],
    ['one LGA (supervisor), recent, page 1', `${base}&sort=recent`, supervisor],
    [
      `one LGA (supervisor), recent, deep (+${lgaDeep.toLocaleString('en')})`,
      `${base}&sort=recent&cursor=${deep.lgaRecent}`,
      supervisor,
    ],
    ['all LGAs, sort=score, page 1', `${base}&sort=score`, statewide],
    [
      `all LGAs, sort=score, deep (+${DEEP.toLocaleString('en')})`,
      `${base}&sort=score&cursor=${deep.score}`,
      statewide,
    ],
    ['one LGA (supervisor), sort=score, page 1', `${base}&sort=score`, supervisor],
    [
      `one LGA (supervisor), sort=score, deep (+${lgaDeep.toLocaleString('en')})`,
      `${base}&sort=score&cursor=${deep.lgaScore}`,
      supervisor,
    ],
    [
      `one enumerator (${busiest.n.toLocaleString('en')}), recent, page 1`,
      `${base}&enumeratorId=${busiest.id}`,
      statewide,
    ],
    [
      `one enumerator (${busiest.n.toLocaleString('en')}), score, page 1`,
      `${base}&enumeratorId=${busiest.id}&sort=score`,
      statewide,
    ],
    ['all LGAs, band=high, recent, page 1', `${base}&band=high&sort=recent`, statewide],
    ['all LGAs, status=pending, score, page 1', `${base}&status=pending&sort=score`, statewide],
    ['all LGAs, status=returned (rare), page 1', `${base}&status=returned&sort=recent`, statewide],
  ];
  // Each scenario's answer is checked once: a page of 25, and a cursor onwards.
  for (const [name, target, init] of scenarios) {
    const res = await fetch(target, init);
    const body = (await res.json()) as { items?: unknown[]; nextCursor?: string | null };
    if (res.status !== 200 || !Array.isArray(body.items))
      throw new Error(`${name}: HTTP ${res.status} ${JSON.stringify(body)}`);
    if (!name.includes('returned') && (body.items.length !== 25 || !body.nextCursor))
      throw new Error(`${name}: expected a full page, got ${body.items.length}`);
  }
  const table: Record<string, LatencyReport[]> = {};
  let health: LatencyReport | undefined;
  for (let run = 1; run <= runs; run++) {
    const h = await measure('GET /health (baseline, no I/O)', `${server.url}/api/v1/health`, {}, opts);
    health ??= h;
    const rows = [h];
    for (const [name, target, init] of scenarios) rows.push(await measure(name, target, init, opts));
    console.log(`\nrun ${run} of ${runs}`);
    printTable(rows, h);
    for (const r of rows) (table[r.name] ??= []).push(r);
  }
  console.log(
    `\n${total.toLocaleString('en')} submissions (${lgaRows.toLocaleString('en')} in ${lga}); one API process (built, NODE_ENV=production); ` +
      `${concurrency} concurrent clients; ${durationMs / 1000} s per scenario; ${runs} runs`,
  );
  console.log(`\n${'scenario'.padEnd(52)} p95 ms per run (min–max)`);
  for (const [name, reports] of Object.entries(table)) {
    const p95s = reports.map((r) => r.p95);
    console.log(
      `${name.padEnd(52)} ${p95s.map((p) => p.toFixed(1)).join(' / ')}  (${Math.min(...p95s).toFixed(1)}–${Math.max(...p95s).toFixed(1)})`,
    );
  }
  const failed = Object.values(table)
    .flat()
    .reduce((n, r) => n + r.errors, 0);
  if (failed) {
    console.error(`\n${failed} requests failed`);
    process.exitCode = 1;
  }
} finally {
  await server.stop();
}
