/**
 * Staff list latency with 10,000 staff seeded: the built server as its own process on real
 * PostgreSQL + Redis, driven over HTTP from this process. Compared in the same run against
 * /api/v1/health (no I/O), so the ratios hold on a noisy machine.
 *
 *   npm run bench:staff            (STAFF=10000 CONCURRENCY=16 DURATION_MS=5000 to change)
 */
import { sql } from 'drizzle-orm';
import { measure, printTable } from './latency.js';
import { prepareDatabase, startBenchServer } from './server.js';

const STAFF = Number(process.env.STAFF ?? 10_000);
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const durationMs = Number(process.env.DURATION_MS ?? 5000);

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
  from generate_series(1, ${STAFF}) g`);
await prepared.database.db.execute(sql`analyze users`);
console.log(`seeded ${STAFF} staff in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

const server = await startBenchServer(prepared);
try {
  const { url } = server;
  const authed = { headers: { cookie: server.admin.cookie } };
  const opts = { concurrency, durationMs };
  const health = await measure('GET /health (baseline, no I/O)', `${url}/api/v1/health`, {}, opts);
  const rows = [
    health,
    await measure('GET /staff (page 1, 25)', `${url}/api/v1/staff?page=1&pageSize=25`, authed, opts),
    await measure('GET /staff pageSize=100', `${url}/api/v1/staff?pageSize=100`, authed, opts),
    await measure('GET /staff ?lga=ibadan_north', `${url}/api/v1/staff?lga=ibadan_north`, authed, opts),
    await measure(
      'GET /staff ?status=active&role=enumerator',
      `${url}/api/v1/staff?status=active&role=enumerator`,
      authed,
      opts,
    ),
    await measure('GET /staff ?q=okafor', `${url}/api/v1/staff?q=okafor`, authed, opts),
    await measure('GET /staff page 300 (deep offset)', `${url}/api/v1/staff?page=300&pageSize=25`, authed, opts),
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
  await server.stop();
}
