/**
 * Staff list latency with 10,000 staff seeded: the built server as its own process on real
 * PostgreSQL + Redis, driven over HTTP from this process. Compared in the same run against
 * /api/v1/health (no I/O), so the ratios hold on a noisy machine.
 *
 *   npm run bench:staff            (STAFF=10000 CONCURRENCY=16 DURATION_MS=5000 to change)
 */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { createPostgres } from '../../apps/api/src/infra/db.js';
import { bootstrap } from '../../apps/api/src/db/seed/bootstrap.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_REDIS_URL, createTestDatabase } from '../../apps/api/test/harness.js';
import { measure, printTable } from './latency.js';

const STAFF = Number(process.env.STAFF ?? 10_000);
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const durationMs = Number(process.env.DURATION_MS ?? 5000);
const root = resolve(import.meta.dirname, '../..');

if (spawnSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: root, stdio: 'inherit' }).status !== 0)
  process.exit(1);

const target = await createTestDatabase();
const database = createPostgres(target.url, 2);
let server: ReturnType<typeof spawn> | undefined;
try {
  await database.migrate((db) => bootstrap(db, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).then(() => {}));
  const seedStart = performance.now();
  await database.db.execute(sql`
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
    from generate_series(1, ${STAFF}) g`);
  await database.db.execute(sql`analyze users`);
  console.log(`seeded ${STAFF} staff in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const port = 3900 + Math.floor(Math.random() * 90);
  server = spawn(process.execPath, ['apps/api/dist/main.js'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: target.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `bench:${port}:`,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_USER_PER_MINUTE: '100000000',
      RATE_LIMIT_ANON_PER_MINUTE: '100000000',
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
  const address = `http://127.0.0.1:${port}`;
  const login = await fetch(`${address}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const authed = { headers: { cookie } };
  const opts = { concurrency, durationMs };

  const health = await measure('GET /health (baseline, no I/O)', `${address}/api/v1/health`, {}, opts);
  const rows = [
    health,
    await measure('GET /staff (page 1, 25)', `${address}/api/v1/staff?page=1&pageSize=25`, authed, opts),
    await measure('GET /staff pageSize=100', `${address}/api/v1/staff?pageSize=100`, authed, opts),
    await measure('GET /staff ?lga=ibadan_north', `${address}/api/v1/staff?lga=ibadan_north`, authed, opts),
    await measure(
      'GET /staff ?status=active&role=enumerator',
      `${address}/api/v1/staff?status=active&role=enumerator`,
      authed,
      opts,
    ),
    await measure('GET /staff ?q=okafor', `${address}/api/v1/staff?q=okafor`, authed, opts),
    await measure('GET /staff page 300 (deep offset)', `${address}/api/v1/staff?page=300&pageSize=25`, authed, opts),
  ];
  console.log(
    `\n${STAFF} staff; one API process (built, NODE_ENV=production); ${concurrency} concurrent clients; ${durationMs / 1000} s per scenario`,
  );
  printTable(rows, health);
  const failed = rows.reduce((n, r) => n + r.errors, 0);
  if (failed) {
    console.error(`\n${failed} requests failed`);
    process.exitCode = 1;
  }
} finally {
  server?.kill('SIGTERM');
  await database.close();
  await new Promise((r) => setTimeout(r, 300));
  await target.drop();
}
