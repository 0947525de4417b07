/**
 * Issue 15's figures: a secondary-data import of ROWS rows (default 100,000, the most one file may
 * hold) — the dry run (upload → every row judged against the file and the registry → batch written)
 * and the confirm job (respondents created chunk by chunk, rollups kept) in rows/s — then the partner
 * respondents endpoint's latency beside /api/v1/health in the same run, on the registry the import
 * just filled. The built server as its own process on real PostgreSQL + Redis (job worker inside it).
 *
 *   npm run bench:imports            (ROWS=100000 CONCURRENCY=8 DURATION_MS=4000 RUNS=3 to change)
 */
import { measure, printTable, type LatencyReport } from './latency.js';
import { prepareDatabase, startBenchServer } from './server.js';

const ROWS = Number(process.env.ROWS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 3);
const concurrency = Number(process.env.CONCURRENCY ?? 8);
const durationMs = Number(process.env.DURATION_MS ?? 4000);
const LGAS = ['ibadan_north', 'ibadan_south_west', 'oyo_east', 'ogbomosho_north', 'iseyin', 'saki_west'];

function csv(rows: number): string {
  const lines = ['surname,firstname,gender,dob,phone_number,nin,lga_id'];
  for (let i = 1; i <= rows; i++) {
    // One row in 100 is bad (an 11-digit NIN repeated on the next row): the dry run has work to report.
    const nin = `5${String(i - (i % 100 === 0 ? 1 : 0)).padStart(10, '0')}`;
    const dob = `19${60 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`;
    lines.push(
      `Surname${i % 5000},First${i},${i % 2 ? 'female' : 'male'},${dob},0806${String(i).padStart(7, '0')},${nin},${LGAS[i % LGAS.length]}`,
    );
  }
  return lines.join('\n') + '\n';
}

const prepared = await prepareDatabase();
const server = await startBenchServer(prepared);
const headers = { cookie: server.admin.cookie, 'x-csrf-token': server.admin.csrfToken };
try {
  const body = csv(ROWS);
  console.log(`file: ${ROWS.toLocaleString('en')} rows, ${(body.length / 1024 / 1024).toFixed(1)} MB`);
  const form = new FormData();
  form.append('source', 'Bench agency');
  form.append('file', new Blob([body], { type: 'text/csv' }), 'bench.csv');
  const t0 = performance.now();
  const up = await fetch(`${server.url}/api/v1/imports`, { method: 'POST', headers, body: form });
  if (up.status !== 201) throw new Error(`upload ${up.status}: ${await up.text()}`);
  const dryRunS = (performance.now() - t0) / 1000;
  const { batch } = (await up.json()) as { batch: { id: string; toCreate: number; skipped: number } };
  console.log(
    `dry run: ${dryRunS.toFixed(1)} s → ${(ROWS / dryRunS).toFixed(0)} rows/s (${batch.toCreate} to create, ${batch.skipped} skipped)`,
  );

  const t1 = performance.now();
  const conf = await fetch(`${server.url}/api/v1/imports/${batch.id}/confirm`, { method: 'POST', headers });
  if (conf.status !== 202) throw new Error(`confirm ${conf.status}: ${await conf.text()}`);
  const { job } = (await conf.json()) as { job: { id: string } };
  for (;;) {
    const res = await fetch(`${server.url}/api/v1/jobs/${job.id}`, { headers });
    const { job: j } = (await res.json()) as { job: { state: string; processed: number; error: string | null } };
    if (j.state === 'failed') throw new Error(`confirm job failed: ${j.error}`);
    if (j.state === 'completed') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const confirmS = (performance.now() - t1) / 1000;
  console.log(`confirm: ${confirmS.toFixed(1)} s → ${(batch.toCreate / confirmS).toFixed(0)} rows/s created`);

  const keyRes = await fetch(`${server.url}/api/v1/partner-keys`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Bench partner',
      scopes: ['respondents:read', 'respondents:nin', 'skills:read'],
      lgas: 'all',
      rateLimitPerMinute: 100_000,
    }),
  });
  const { key } = (await keyRes.json()) as { key: string };
  const bearer = { headers: { authorization: `Bearer ${key}` } };
  const scenarios: [string, string, RequestInit][] = [
    ['GET /health (baseline, no I/O)', '/api/v1/health', {}],
    ['partner respondents, 100 per page', '/api/v1/partner/respondents?limit=100', bearer],
    ['partner respondents, one LGA, 100', '/api/v1/partner/respondents?limit=100&lga=oyo_east', bearer],
    ['partner skills (auth + audit only)', '/api/v1/partner/skills', bearer],
  ];
  const runs: LatencyReport[][] = [];
  for (let r = 0; r < RUNS; r++) {
    const run: LatencyReport[] = [];
    for (const [name, path, init] of scenarios)
      run.push(await measure(name, `${server.url}${path}`, init, { concurrency, durationMs }));
    runs.push(run);
  }
  // The median run by each scenario's p95.
  const median = scenarios.map(
    (_, i) => runs.map((run) => run[i]!).sort((a, b) => a.p95 - b.p95)[Math.floor(RUNS / 2)]!,
  );
  console.log(`\npartner endpoints, ${RUNS} runs (median by p95), ${concurrency} clients, ${durationMs} ms each:`);
  printTable(median, median[0]!);
} finally {
  await server.stop();
}
