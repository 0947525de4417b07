/**
 * Marketplace search at the state's scale (issue 12: p95 ≤ 50 ms with 1,000,000 profiles, for a
 * free-text query, a skill + LGA filter and deep cursor pages), compared in the same run against
 * /api/v1/health (no I/O). The built API runs as its own process (NODE_ENV=production, the search's
 * per-address limit lifted with MARKETPLACE_SEARCHES_PER_MINUTE), driven over HTTP by autocannon at a
 * fixed concurrency; every response's latency is kept, so p95 is exact (not autocannon's buckets).
 *
 * Before measuring, each scenario's first pages are checked against the reference query (the ranking
 * as first written: every match ranked in SQL) — same rows, same order — so a faster plan cannot
 * quietly change results.
 *
 *   npm run bench:marketplace
 *     PROFILES=1000000            the scale (seeded once into MKT_BENCH_DB with seed-marketplace.ts, then reused)
 *     MKT_BENCH_DB=oslrs_mkt_bench the database on the shared cluster (created when missing; kept: drop it after)
 *     CONCURRENCY=10 DURATION_S=5 RUNS=2 DEEP=50 (pages followed for the deep-cursor scenarios)
 *     CHECK=0                     skip the comparison with the reference query
 *   npm run bench:marketplace -- --replica
 *     a private primary + streaming standby (apps/api/test/replica-cluster.ts): seeds the primary, waits
 *     for the standby to replay it (the lag is reported), then runs the same scenarios with
 *     DATABASE_REPLICA_URL set (the searches read the standby); both servers are removed at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { TEST_DATABASE_URL, TEST_PII_ENV, TEST_REDIS_URL, withDatabase } from '../../apps/api/test/harness.js';
import { measureReplicationLag, startReplicaPair, waitForReplay } from '../../apps/api/test/replica-cluster.js';
import { referenceSearch } from '../../apps/api/test/marketplace-reference.js';
import { seedMarketplace } from './seed-marketplace.js';

const root = resolve(import.meta.dirname, '../..');
const PROFILES = Number(process.env.PROFILES ?? 1_000_000);
const DB_NAME = process.env.MKT_BENCH_DB ?? 'oslrs_mkt_bench';
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 10);
const DURATION_S = Number(process.env.DURATION_S ?? 5);
const RUNS = Number(process.env.RUNS ?? 2);
const DEEP = Number(process.env.DEEP ?? 50);
const CHECK = process.env.CHECK !== '0';
const replicaMode = process.argv.includes('--replica');
const GOAL_MS = 50;
const LIMIT = 20;

const SCENARIOS: [string, string][] = [
  ['q=tailor', 'q=tailor'],
  ['q=auto mechanic (two words)', 'q=auto%20mechanic'],
  ['q=tailer (typo)', 'q=tailer'],
  ['q=borehole (rare word)', 'q=borehole'],
  ['skill=tailoring&lga=ibadan_north', 'skill=tailoring&lga=ibadan_north'],
  ['skill=welding&lga=saki_west', 'skill=welding&lga=saki_west'],
  ['sector=CON', 'sector=CON'],
  ['sector=MQE (small sector)', 'sector=MQE'],
  ['q=plumbing&lga=oyo_east&minYears=4', 'q=plumbing&lga=oyo_east&minYears=4'],
  ['browse (no filter)', ''],
];
/** Followed DEEP pages first; the deep page is then what is measured. */
const DEEP_SCENARIOS: [string, string][] = [
  ['browse', ''],
  ['q=tailor', 'q=tailor'],
  ['skill=tailoring&lga=ibadan_north', 'skill=tailoring&lga=ibadan_north'],
  ['sector=CON', 'sector=CON'],
];

// ---- the database(s) -------------------------------------------------------------------------------

let primaryUrl: string;
let replicaUrl: string | undefined;
let stopPair: (() => Promise<void>) | undefined;
let replication: { seedLagMs: number; bytesBehind: number; lagMedianMs: number; lagMaxMs: number } | undefined;

async function ensureDatabase(adminUrl: string, name: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  if (!(await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount)
    await admin.query(`create database ${name}`);
  await admin.end();
  return withDatabase(adminUrl, name);
}

async function profilesIn(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query('select count(*)::int as n from marketplace_profiles')).rows[0].n as number;
  } catch {
    return 0;
  } finally {
    await c.end();
  }
}

if (replicaMode) {
  console.log('starting a private primary + streaming standby…');
  const pair = await startReplicaPair();
  stopPair = () => pair.stop();
  primaryUrl = await ensureDatabase(pair.primaryUrl, DB_NAME);
  replicaUrl = withDatabase(pair.replicaUrl, DB_NAME);
} else {
  primaryUrl = await ensureDatabase(TEST_DATABASE_URL, DB_NAME);
}

let server: ChildProcess | undefined;
try {
  const have = await profilesIn(primaryUrl);
  if (have < PROFILES) {
    console.log(`seeding ${PROFILES.toLocaleString('en')} profiles into ${DB_NAME} (it holds ${have})…`);
    const seeded = await seedMarketplace(primaryUrl, { profiles: PROFILES - have, force: have > 0, log: () => {} });
    console.log(`seeded in ${seeded.seconds.toFixed(0)} s (of which index builds ${seeded.indexSeconds.toFixed(0)} s)`);
  } else console.log(`${DB_NAME} holds ${have.toLocaleString('en')} profiles (seeded before; reused)`);

  if (replicaUrl) {
    // The seed's WAL (table, indexes, vacuum) must be replayed before the standby can answer like the primary.
    const replay = await waitForReplay(primaryUrl, replicaUrl, 30 * 60_000);
    const lag = await measureReplicationLag(primaryUrl, replicaUrl, 20);
    replication = {
      seedLagMs: replay.waitedMs,
      bytesBehind: replay.bytesBehind,
      lagMedianMs: lag.medianMs,
      lagMaxMs: lag.maxMs,
    };
    console.log(
      `standby replayed the seed ${(replay.waitedMs / 1000).toFixed(1)} s after it ended ` +
        `(${(replay.bytesBehind / 1024 / 1024).toFixed(0)} MB of WAL behind at that moment); ` +
        `commit-to-replay lag now: median ${lag.medianMs.toFixed(1)} ms, max ${lag.maxMs.toFixed(1)} ms`,
    );
  }

  // ---- the API --------------------------------------------------------------------------------------
  if (spawnSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: root, stdio: 'inherit' }).status !== 0)
    throw new Error('build failed');
  const port = 3900 + Math.floor(Math.random() * 90);
  server = spawn(process.execPath, ['apps/api/dist/main.js'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      COOKIE_SECURE: 'false',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: primaryUrl,
      ...(replicaUrl ? { DATABASE_REPLICA_URL: replicaUrl } : {}),
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `bench:mkt:${port}:`,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      RATE_LIMIT_USER_PER_MINUTE: '100000000',
      RATE_LIMIT_ANON_PER_MINUTE: '100000000',
      MARKETPLACE_SEARCHES_PER_MINUTE: '100000000',
      RUN_WORKER: 'false',
      ...TEST_PII_ENV,
    },
  });
  await new Promise<void>((ok, fail) => {
    let out = '';
    server!.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready at')) ok();
    });
    server!.once('exit', (code) => fail(new Error(`server exited ${code}: ${out}`)));
  });
  const base = `http://127.0.0.1:${port}/api/v1`;
  const search = (query: string) => `${base}/marketplace/profiles?${query ? `${query}&` : ''}limit=${LIMIT}`;

  type Page = { items: { id: string }[]; nextCursor: string | null };
  async function page(url: string): Promise<Page> {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as Page;
  }

  // ---- results as first ranked (every match in SQL), for the comparison ------------------------------
  const reference = new pg.Client({ connectionString: replicaUrl ?? primaryUrl });
  await reference.connect();
  async function referencePage(params: URLSearchParams, after: [number, number, string] | undefined) {
    const minYears = params.get('minYears');
    const rows = await referenceSearch(
      reference,
      {
        q: params.get('q') ?? undefined,
        skill: params.get('skill') ?? undefined,
        sector: params.get('sector') ?? undefined,
        lga: params.get('lga') ?? undefined,
        minYears: minYears ? Number(minYears) : undefined,
      },
      after,
      LIMIT,
    );
    return rows.map((r) => r.id);
  }
  const decode = (cursor: string) =>
    JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [number, number, string];

  if (CHECK) {
    const pagesEach = Number(process.env.CHECK_PAGES ?? 3);
    let compared = 0;
    const t0 = performance.now();
    for (const [name, query] of SCENARIOS) {
      let cursor: string | null = null;
      for (let n = 0; n < pagesEach; n++) {
        const got = await page(search(query) + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''));
        const want = await referencePage(new URLSearchParams(query), cursor ? decode(cursor) : undefined);
        const ids = got.items.map((i) => i.id);
        if (JSON.stringify(ids) !== JSON.stringify(want))
          throw new Error(`${name}, page ${n + 1}: the API's rows differ from the reference query's`);
        compared++;
        cursor = got.nextCursor;
        if (!cursor) break;
      }
    }
    console.log(
      `results checked: ${compared} pages identical to the reference ranking (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }

  // ---- deep cursors ---------------------------------------------------------------------------------
  const deep: [string, string][] = [];
  for (const [name, query] of DEEP_SCENARIOS) {
    let cursor: string | null = null;
    let n = 0;
    for (; n < DEEP; n++) {
      const got = await page(search(query) + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''));
      if (!got.nextCursor) break;
      cursor = got.nextCursor;
    }
    if (CHECK && cursor) {
      const got = await page(`${search(query)}&cursor=${encodeURIComponent(cursor)}`);
      const want = await referencePage(new URLSearchParams(query), decode(cursor));
      if (JSON.stringify(got.items.map((i) => i.id)) !== JSON.stringify(want))
        throw new Error(`${name}, page ${n + 1}: the API's rows differ from the reference query's`);
    }
    deep.push([`${name}, page ${n + 1} (cursor)`, `${search(query)}&cursor=${encodeURIComponent(cursor!)}`]);
  }
  await reference.end();

  // ---- measure --------------------------------------------------------------------------------------
  interface Row {
    name: string;
    requests: number;
    rps: number;
    p50: number;
    p95: number;
    p99: number;
    errors: number;
  }
  function cannon(name: string, url: string): Promise<Row> {
    const latencies: number[] = [];
    return new Promise((done, fail) => {
      const instance = autocannon(
        { url, connections: CONCURRENCY, duration: DURATION_S, pipelining: 1 },
        (err, result) => {
          if (err) return fail(err);
          latencies.sort((a, b) => a - b);
          const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
          done({
            name,
            requests: latencies.length,
            rps: latencies.length / DURATION_S,
            p50: pct(0.5),
            p95: pct(0.95),
            p99: pct(0.99),
            errors: result.errors + result.timeouts + result.non2xx,
          });
        },
      );
      instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
    });
  }

  // Which server answered: the standby's own transaction count moves only with reads sent to it.
  const standbyTransactions = async () => {
    if (!replicaUrl) return 0;
    const c = new pg.Client({ connectionString: replicaUrl });
    await c.connect();
    const n = (
      await c.query(
        `select (xact_commit + xact_rollback)::bigint::text as n from pg_stat_database where datname = current_database()`,
      )
    ).rows[0].n as string;
    await c.end();
    return Number(n);
  };
  const standbyBefore = await standbyTransactions();
  const fmt = (n: number) => n.toFixed(1).padStart(8);
  const all: Row[][] = [];
  for (let run = 1; run <= RUNS; run++) {
    // A short warm-up per scenario (connections, plans, pages in cache) is not measured.
    const rows: Row[] = [];
    const health = await cannon('GET /health (baseline)', `${base}/health`);
    rows.push(health);
    for (const [name, query] of SCENARIOS) rows.push(await cannon(name, search(query)));
    for (const [name, url] of deep) rows.push(await cannon(`deep: ${name}`, url));
    all.push(rows);
    console.log(
      `\nrun ${run}/${RUNS} — ${PROFILES.toLocaleString('en')} profiles, ${replicaUrl ? 'searches on the STANDBY' : 'primary'}, ` +
        `${CONCURRENCY} connections, ${DURATION_S} s each, load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    console.log(
      `${'scenario'.padEnd(52)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}  ×health  ≤${GOAL_MS} ms`,
    );
    for (const r of rows) {
      const isHealth = r === health;
      console.log(
        `${r.name.padEnd(52)} ${r.rps.toFixed(0).padStart(8)} ${fmt(r.p50)} ${fmt(r.p95)} ${fmt(r.p99)} ${String(r.errors).padStart(7)}  ${(r.p95 / health.p95).toFixed(1).padStart(6)}×  ${isHealth ? '' : r.p95 <= GOAL_MS ? 'pass' : 'FAIL'}`,
      );
    }
  }
  console.log(`\n${'scenario'.padEnd(52)} ${'p95 per run (ms)'.padEnd(24)} spread`);
  for (let i = 0; i < all[0]!.length; i++) {
    const p95s = all.map((rows) => rows[i]!.p95);
    console.log(
      `${all[0]![i]!.name.padEnd(52)} ${p95s
        .map((p) => p.toFixed(1))
        .join(' / ')
        .padEnd(24)} ${(Math.max(...p95s) - Math.min(...p95s)).toFixed(1)} ms`,
    );
  }
  const searches = all.flatMap((rows) => rows.slice(1));
  const worst = searches.reduce((a, b) => (b.p95 > a.p95 ? b : a));
  console.log(
    `\nworst search p95: ${worst.p95.toFixed(1)} ms (${worst.name}); goal p95 ≤ ${GOAL_MS} ms: ${worst.p95 <= GOAL_MS ? 'MET' : 'NOT MET'}`,
  );
  if (replicaUrl) {
    const served = (await standbyTransactions()) - standbyBefore;
    const total = searches.reduce((n, r) => n + r.requests, 0);
    console.log(
      `the standby ran ${served.toLocaleString('en')} transactions during the ${total.toLocaleString('en')} measured searches`,
    );
  }
  if (replication)
    console.log(
      `replication: the standby replayed the ${PROFILES.toLocaleString('en')}-profile seed ${(replication.seedLagMs / 1000).toFixed(1)} s after it ended ` +
        `(${(replication.bytesBehind / 1024 / 1024).toFixed(0)} MB behind); steady commit-to-replay lag median ${replication.lagMedianMs.toFixed(1)} ms, max ${replication.lagMaxMs.toFixed(1)} ms`,
    );
  const failed = searches.reduce((n, r) => n + r.errors, 0) + all.reduce((n, rows) => n + rows[0]!.errors, 0);
  if (failed) {
    console.error(`\n${failed} requests failed`);
    process.exitCode = 1;
  }
  if (worst.p95 > GOAL_MS) process.exitCode = 1;
} finally {
  server?.removeAllListeners('exit');
  server?.kill('SIGTERM');
  if (stopPair) await stopPair();
  else
    console.log(`\nkept ${DB_NAME} on the shared cluster (reused by the next run; drop database ${DB_NAME} when done)`);
}
