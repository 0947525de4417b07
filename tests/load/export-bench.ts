/**
 * Streamed export at the state's scale (issue 11: 1,000,000 rows with flat memory; goals ≥ 50,000
 * rows/s for CSV and < 100 MB peak RSS growth of the job worker). A fresh database gets ROWS
 * respondents straight from SQL (INSERT … SELECT generate_series; NIN and phone sealed under the test
 * keys, 1,000 distinct sealed values reused so opening them costs what it costs), then each scenario
 * runs the real export job (ExportService.build) in a worker process of its own
 * (tests/load/export-worker.ts) while this process samples the worker's VmRSS from /proc.
 * The baseline in the same run is the bare keyset scan (rows read, nothing formatted or written).
 *
 *   npm run bench:export                      (ROWS=1000000; XLSX=0 skips the XLSX scenario)
 *   ROWS=100000 npm run bench:export          (a quicker run)
 *   KEEP_DATABASE=1 … keeps the seeded database; REUSE_DATABASE_URL=<printed url> … runs on it again
 *   PAGE_SIZE=500 (rows per cursor fetch, the service's default), WORKER_NODE_ARGS (worker flags; default
 *   '--max-old-space-size=320' as in deploy/pm2/ecosystem.config.cjs)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { LGA_CODES } from '@oslrs/core';
import { createPostgres } from '../../apps/api/src/infra/db.js';
import { PiiCipher, parseKey } from '../../apps/api/src/infra/pii.js';
import { bootstrap } from '../../apps/api/src/modules/setup/index.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_PII_ENV, createTestDatabase } from '../../apps/api/test/harness.js';

const root = resolve(import.meta.dirname, '../..');
const ROWS = Number(process.env.ROWS ?? 1_000_000);
const withXlsx = process.env.XLSX !== '0';
const MB = 1024 * 1024;

// REUSE_DATABASE_URL: a database an earlier run kept (KEEP_DATABASE=1), already seeded.
const reuse = process.env.REUSE_DATABASE_URL;
const target = reuse ? { url: reuse, drop: async () => {} } : await createTestDatabase({ empty: true });
if (!reuse) {
  const database = createPostgres(target.url, 2);
  await database.migrate((db) => bootstrap(db, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).then(() => {}));
  await database.close();
}
const pageSize = process.env.PAGE_SIZE ?? '500';
// The worker's flags as PM2 runs it (deploy/pm2/ecosystem.config.cjs), unless given.
const nodeArgs = (process.env.WORKER_NODE_ARGS ?? '--max-old-space-size=320').split(' ').filter(Boolean);
const exportDir = mkdtempSync(join(tmpdir(), 'oslrs-export-bench-'));
const client = new pg.Client({ connectionString: target.url });
await client.connect();

try {
  // ---- seed: ROWS respondents, set-based ----
  const pii = new PiiCipher({
    current: parseKey(TEST_PII_ENV.NIN_ENCRYPTION_KEY, 'k'),
    old: [],
    index: parseKey(TEST_PII_ENV.NIN_INDEX_KEY, 'i'),
  });
  const nins = Array.from({ length: 1000 }, (_, i) => pii.seal(`8${String(i).padStart(10, '0')}`, 'nin'));
  const phones = Array.from({ length: 1000 }, (_, i) => pii.seal(`+23480${String(i).padStart(8, '0')}`, 'phone'));
  const seedStart = performance.now();
  const CHUNK = 250_000;
  for (let lo = 1; lo <= (reuse ? 0 : ROWS); lo += CHUNK) {
    const hi = Math.min(ROWS, lo + CHUNK - 1);
    await client.query(
      `insert into respondents (id, nin_hash, nin_sealed, status, surname, firstname, gender, dob, phone_hash,
         phone_sealed, lga_code, main_occupation, employment_type, skills, source, created_at)
       select gen_random_uuid(), 'bench-n-' || i, ($1::text[])[1 + i % 1000],
         (array['active', 'verified', 'pending_nin_capture', 'imported_unverified'])[1 + i % 4],
         case when i % 100 = 0 then '=SUM(A1)' else 'Surname' || (i % 5000) end, 'First, ' || (i % 3000),
         (array['male', 'female'])[1 + i % 2], date '1960-01-01' + (i % 15000), 'bench-p-' || i,
         ($2::text[])[1 + i % 1000], ($3::text[])[1 + i % ${LGA_CODES.length}], 'Tailor', 'self_employed',
         array['tailoring', 'welding'], (array['enumerator', 'public', 'clerk'])[1 + i % 3],
         now() - (i % 31536000) * interval '1 second'
       from generate_series($4::int, $5::int) i`,
      [nins, phones, LGA_CODES, lo, hi],
    );
    process.stdout.write(`\rseeded ${hi.toLocaleString('en')} / ${ROWS.toLocaleString('en')}`);
  }
  await client.query('analyze respondents');
  if (!reuse)
    console.log(
      `\nseeded ${ROWS.toLocaleString('en')} respondents in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`,
    );

  const [{ id: adminId }] = (await client.query(`select id from users limit 1`)).rows as { id: string }[];

  /** Runs the worker process; samples its VmRSS from /proc every 25 ms. */
  async function runWorker(env: Record<string, string>) {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'tests/load/export-worker.ts'], {
      cwd: root,
      env: {
        ...process.env,
        ...TEST_PII_ENV,
        DATABASE_URL: target.url,
        EXPORT_DIR: exportDir,
        PAGE_SIZE: pageSize,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let procPeak = 0;
    const sampler = setInterval(() => {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) procPeak = Math.max(procPeak, Number(m[1]) * 1024);
      } catch {
        // the process has ended
      }
    }, 25);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    clearInterval(sampler);
    if (code !== 0) throw new Error(`worker exited ${code}: ${out}`);
    const line = out.trim().split('\n').at(-1)!;
    return {
      ...(JSON.parse(line) as { rows: number; ms: number; bytes: number; rssBefore: number; rssPeak: number }),
      procPeak,
    };
  }

  async function exportScenario(format: 'csv' | 'xlsx', unmasked: boolean) {
    const id = uuidv7();
    const jobId = uuidv7();
    const filters = { from: null, to: '2100-01-01', lga: null, channel: null, status: null };
    await client.query(`insert into jobs (id, type, input, created_by) values ($1, 'exports.build', $2, $3)`, [
      jobId,
      JSON.stringify({ exportId: id }),
      adminId,
    ]);
    await client.query(
      `insert into exports (id, job_id, requested_by, requester_role, format, filters, fingerprint, unmasked, expires_at)
       values ($1, $2, $3, $4, $5, $6, $8, $7, now() + interval '1 hour')`,
      [
        id,
        jobId,
        adminId,
        unmasked ? 'super_admin' : 'government_official',
        format,
        JSON.stringify(filters),
        unmasked,
        `bench-${id}`,
      ],
    );
    return runWorker({ JOB_ID: jobId });
  }

  const scenarios: [string, () => ReturnType<typeof runWorker>][] = [
    ['baseline: cursor scan only', () => runWorker({ MODE: 'scan' })],
    ['CSV, NIN/phone masked (official)', () => exportScenario('csv', false)],
    ['CSV, NIN/phone opened (super admin)', () => exportScenario('csv', true)],
  ];
  if (withXlsx) scenarios.push(['XLSX, masked (official)', () => exportScenario('xlsx', false)]);

  const table: Record<string, string | number>[] = [];
  for (const [name, run] of scenarios) {
    const r = await run();
    table.push({
      scenario: name,
      rows: r.rows,
      seconds: +(r.ms / 1000).toFixed(1),
      'rows/s': Math.round(r.rows / (r.ms / 1000)),
      'file MB': +(r.bytes / MB).toFixed(1),
      'RSS at start MB': +(r.rssBefore / MB).toFixed(0),
      'peak growth MB (in-process)': +((r.rssPeak - r.rssBefore) / MB).toFixed(1),
      'peak growth MB (/proc VmRSS)': +((r.procPeak - r.rssBefore) / MB).toFixed(1),
    });
    console.log(`${name}: done`);
  }
  console.table(table);
  const csv = table.find((t) => t.scenario === scenarios[1]![0])!;
  console.log(
    `goal CSV ≥ 50,000 rows/s: ${Number(csv['rows/s']) >= 50_000 ? 'met' : 'NOT met'}; ` +
      `goal RSS growth < 100 MB: ${table.every((t) => Number(t['peak growth MB (/proc VmRSS)']) < 100) ? 'met (every scenario)' : 'NOT met in every scenario'}`,
  );
} finally {
  await client.end();
  rmSync(exportDir, { recursive: true, force: true });
  if (process.env.KEEP_DATABASE)
    console.log(`kept ${new URL(target.url).pathname.slice(1)} (drop database … when done)`);
  else await target.drop();
}
