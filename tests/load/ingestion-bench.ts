/**
 * Ingestion throughput end to end on real PostgreSQL + Redis: SUBMISSIONS submissions of the master
 * questionnaire sent through POST /api/v1/submissions/batch by 20 enumerators, the API and the job
 * worker as separate processes (the production shape), fraud scoring on. For each ingest batch size
 * in BATCHES (1 = one submission per queue job and per transaction, the baseline) it starts a
 * fresh database, API and worker and reports, in the same run:
 *   - intake/s (all accepted) and ingested/s (received → settled, end to end from the first request),
 *   - CPU per submission of the worker, the API and the database's PostgreSQL backends (/proc/<pid>/stat).
 * Each submission is a different person (own NIN, phone and name), as in the field.
 *
 *   npm run bench:ingest      (SUBMISSIONS=10000 SENDERS=8 WORKER_CONCURRENCY=8 BATCHES=1,50 to change;
 *                              WARMUP=1000 submissions ingested and analysed first, not measured)
 *
 * Two builds side by side on a shared machine: `DISTS=base=tests/load/.tmp/dist-base,new=apps/api/dist
 * ROUNDS=2` runs each build in turn (base, new, base, new, …: the same machine load for both, as far as
 * alternation gives it) and prints each round's ratios and the spread of each build's figures.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { MASTER_FORM } from '../../packages/core/src/forms/fixtures/master.js';
import { masterAnswerSets } from '../../packages/core/src/forms/fixtures/master-answers.js';
import { users } from '../../apps/api/src/db/schema/index.js';
import { hashPassword } from '../../apps/api/src/modules/auth/passwords.js';
import { prepareDatabase, startBenchServer } from './server.js';

const TOTAL = Number(process.env.SUBMISSIONS ?? 10_000);
const SENDERS = Number(process.env.SENDERS ?? 8);
const BATCHES = (process.env.BATCHES ?? '1,50').split(',').map(Number);
/** label=dist directory pairs; by default the tree's own build only. */
const DISTS = (process.env.DISTS ?? 'this=apps/api/dist').split(',').map((d) => {
  const [label, dir] = d.includes('=') ? d.split('=') : [d, d];
  return { label: label!, dir: dir! };
});
const ROUNDS = Number(process.env.ROUNDS ?? 1);
/** Submissions ingested (and the tables analysed) before the measured ones; 0 = from an empty database. */
const WARMUP = Number(process.env.WARMUP ?? 1000);
const ENUMERATORS = 20;
const TICK_MS = 10; // USER_HZ: /proc times are in 1/100 s

/** CPU milliseconds (user + system) a process has used so far; 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** The machine's load (1 and 5 minute averages) beside each figure: the machine is shared. */
const loadAverage = () => {
  const [one, five] = loadavg();
  return `${one!.toFixed(1)}/${five!.toFixed(1)}`;
};

const letters = (n: number) => {
  let s = '';
  do {
    s += String.fromCharCode(97 + (n % 26));
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
};

interface Result {
  label: string;
  batch: number;
  load: string;
  intake: number;
  ingested: number;
  workerUs: number;
  apiUs: number;
  pgUs: number;
  outcome: string;
}

async function run(batch: number, build: { label: string; dir: string }): Promise<Result> {
  const prepared = await prepareDatabase(build.dir);
  const password = 'bench-password-123';
  const hash = await hashPassword(password);
  const enumerators = Array.from({ length: ENUMERATORS }, (_, i) => ({ id: uuidv7(), email: `enum${i}@bench.oslrs` }));
  await prepared.database.db.insert(users).values(
    enumerators.map((e, i) => ({
      ...e,
      fullName: `Enumerator ${i}`,
      role: 'enumerator',
      status: 'active',
      lgaCode: 'iseyin',
      passwordHash: hash,
    })),
  );
  // The bench's own setup connections (idle while measuring), known before the API and worker connect.
  const own = new Set(
    (
      (await prepared.database.db.execute(sql`select pid from pg_stat_activity where datname = current_database()`))
        .rows as { pid: number }[]
    ).map((r) => r.pid),
  );
  const server = await startBenchServer(prepared, {
    separateWorker: true,
    dist: build.dir,
    env: {
      WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? '8',
      DB_POOL_MAX: '10',
      INGEST_BATCH: String(batch),
    },
  });
  try {
    const { url, admin } = server;
    const adminHeaders = { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': 'application/json' };
    const created = await fetch(`${url}/api/v1/questionnaires`, {
      method: 'POST',
      headers: adminHeaders,
      body: JSON.stringify({ form: MASTER_FORM }),
    });
    const { questionnaire } = (await created.json()) as { questionnaire: { id: string } };
    await fetch(`${url}/api/v1/questionnaires/${questionnaire.id}/publish`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
    });
    const { versionId } = (await (await fetch(`${url}/api/v1/forms/${questionnaire.id}/schema`)).json()) as {
      versionId: string;
    };

    const sessions = await Promise.all(
      enumerators.map(async (e, i) => {
        // Each enumerator signs in from their own phone (address), as in the field.
        const headers = { 'content-type': 'application/json', 'x-forwarded-for': `10.0.${i}.7` };
        const res = await fetch(`${url}/api/v1/auth/login`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ email: e.email, password }),
        });
        const { csrfToken } = (await res.json()) as { csrfToken: string };
        return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrfToken };
      }),
    );

    const templates = masterAnswerSets();
    const day = Date.now() - 3 * 24 * 3600_000;
    const make = (n: number) => {
      const template = templates[n % templates.length]!;
      const answers = {
        ...template,
        nin: String(20_000_000_000 + n * 7919).padStart(11, '1'),
        // A different person each time: their own phone and name (duplicate detection's keys).
        phone_number: `080${String(10_000_000 + n).padStart(8, '0')}`,
        firstname: `${String(template.firstname)}${letters(n)}`,
      };
      const started = new Date(day + n * 1000);
      return {
        id: randomUUID(),
        questionnaireVersionId: versionId,
        answers,
        startedAt: started.toISOString(),
        completedAt: new Date(started.getTime() + 9 * 60_000).toISOString(),
        gps: { lat: 7.3 + (n % 1000) * 0.001, lng: 3.9 + (n % 997) * 0.001, accuracy: 10 },
        deviceId: `bench-${n % ENUMERATORS}`,
      };
    };
    type Batch = { index: number; items: ReturnType<typeof make>[] };
    const batchesOf = (from: number, count: number): Batch[] => {
      const list: Batch[] = [];
      for (let i = 0; i < count; i += 50)
        list.push({
          index: list.length,
          items: Array.from({ length: Math.min(50, count - i) }, (_, k) => make(from + i + k)),
        });
      return list;
    };
    const batches = batchesOf(0, TOTAL);

    // The bench's own reads (the progress poll below, ~4 ms of PostgreSQL CPU each, ten a second) go
    // through one connection of its own, left out of the figure with the bench's idle setup pool.
    const monitor = new pg.Client({ connectionString: prepared.target.url });
    await monitor.connect();
    // PostgreSQL backends serving this database (the API's and the worker's pools; they persist).
    const backends = async () =>
      (
        await monitor.query<{ pid: number }>(
          'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
        )
      ).rows
        .map((r) => r.pid)
        .filter((p) => !own.has(p));
    const pgCpu = (pids: number[]) => pids.reduce((s, p) => s + cpuMs(p), 0);
    /** Sends the batches with SENDERS requests at once; the number of submissions refused at intake. */
    const send = async (list: Batch[]) => {
      let next = 0;
      let refused = 0;
      await Promise.all(
        Array.from({ length: SENDERS }, async () => {
          while (next < list.length) {
            const batch = list[next++]!;
            const s = sessions[batch.index % sessions.length]!;
            const res = await fetch(`${url}/api/v1/submissions/batch`, {
              method: 'POST',
              headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken, 'content-type': 'application/json' },
              body: JSON.stringify({ submissions: batch.items }),
            });
            const body = (await res.json()) as { results: { status: string }[] };
            refused += body.results.filter((r) => r.status === 'error').length;
          }
        }),
      );
      return refused;
    };
    const count = async () =>
      (
        await monitor.query<{ done: number; ingested: number }>(
          `select count(*) filter (where status <> 'received')::int as done, count(*) filter (where status = 'ingested')::int as ingested from submissions`,
        )
      ).rows[0]!;
    const settled = async (done: number) => {
      let state = await count();
      while (state.done < done) {
        await new Promise((r) => setTimeout(r, 100));
        state = await count();
      }
      return state;
    };

    // Warm-up, not measured: a registry is never empty and never unanalysed. WARMUP submissions are
    // ingested first (warm connections and caches), then the tables are analysed — the test server
    // runs with autovacuum off, and plans chosen without statistics (e.g. the other-collectors GPS
    // check reading a whole day instead of its GPS index) would not be production's.
    let base = { done: 0, ingested: 0 };
    if (WARMUP > 0) {
      base = await settled(WARMUP - (await send(batchesOf(TOTAL, WARMUP))));
      await monitor.query('analyze');
    }

    const cpu0 = { worker: cpuMs(server.pids.worker!), api: cpuMs(server.pids.server) };
    const pg0 = new Map((await backends()).map((p) => [p, cpuMs(p)]));
    const t0 = performance.now();
    const refused = await send(batches);
    const intakeSeconds = (performance.now() - t0) / 1000;
    const end = await settled(base.done + TOTAL - refused);
    const state = { done: end.done - base.done, ingested: end.ingested - base.ingested };
    const total = (performance.now() - t0) / 1000;
    const cpu1 = { worker: cpuMs(server.pids.worker!), api: cpuMs(server.pids.server) };
    const pids = await backends();
    // A backend opened during the run counts from 0.
    const pgMs = pgCpu(pids) - pids.reduce((s, p) => s + (pg0.get(p) ?? 0), 0);
    await monitor.end();
    const [respondents] = (await prepared.database.db.execute(sql`select count(*)::int as n from respondents`))
      .rows as [{ n: number }];
    const perSub = (ms: number) => (ms * 1000) / TOTAL;
    const result: Result = {
      label: build.label,
      batch,
      load: loadAverage(),
      intake: TOTAL / intakeSeconds,
      ingested: TOTAL / total,
      workerUs: perSub(cpu1.worker - cpu0.worker),
      apiUs: perSub(cpu1.api - cpu0.api),
      pgUs: perSub(pgMs),
      outcome: `${state.ingested} ingested, ${state.done - state.ingested} rejected, ${refused} refused, ${respondents.n} respondents (warm-up included)`,
    };
    console.log(
      `${build.label} batch ${String(batch).padStart(3)}: load ${result.load}; intake ${result.intake.toFixed(0)}/s, ingested ${result.ingested.toFixed(0)}/s end to end ` +
        `(${total.toFixed(1)} s); CPU per submission: worker ${result.workerUs.toFixed(0)} µs, API ${result.apiUs.toFixed(0)} µs, ` +
        `PostgreSQL ${result.pgUs.toFixed(0)} µs — ${result.outcome}`,
    );
    return result;
  } finally {
    await server.stop();
  }
}

console.log(
  `${TOTAL} submissions, ${SENDERS} senders × 50 per request, worker concurrency ${process.env.WORKER_CONCURRENCY ?? 8}`,
);
const results: Result[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const mine: Result[] = [];
  for (const batch of BATCHES) for (const build of DISTS) mine.push(await run(batch, build));
  results.push(...mine);
  const base = mine[0]!;
  for (const r of mine.slice(1))
    console.log(
      `round ${round + 1}: ${r.label} batch ${r.batch} vs ${base.label} batch ${base.batch}: ingested/s ×${(r.ingested / base.ingested).toFixed(2)}, ` +
        `worker CPU per submission ×${(r.workerUs / base.workerUs).toFixed(2)}, PostgreSQL CPU per submission ×${(r.pgUs / base.pgUs).toFixed(2)}`,
    );
}
if (ROUNDS > 1) {
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
  for (const batch of BATCHES)
    for (const build of DISTS) {
      const rs = results.filter((r) => r.batch === batch && r.label === build.label);
      console.log(
        `${build.label} batch ${batch} over ${rs.length} runs: ingested/s ${spread(rs.map((r) => r.ingested))}, ` +
          `worker µs/submission ${spread(rs.map((r) => r.workerUs))}, API ${spread(rs.map((r) => r.apiUs))}, ` +
          `PostgreSQL ${spread(rs.map((r) => r.pgUs))}; load ${rs.map((r) => r.load).join(' | ')}`,
      );
    }
}
process.exit(0);
