/**
 * The audit viewer at depth (issue 10 item 9: p95 under 100 ms at any depth with 1,000,000 rows).
 * Seeds AUDIT_ROWS audit rows set-based (INSERT … SELECT over generate_series) into a fresh database,
 * starts the built server as its own process, and measures GET /api/v1/audit over HTTP at page 1 and
 * at page 10,000 (limit 50: the cursor of row 500,000, taken from the data), unfiltered and with an
 * actor filter (one busy actor holds 60 % of the rows, so its page 10,000 exists too). Compared in the
 * same run against /api/v1/health (no I/O). Also: one action (page 1, and page 1,000, about as deep
 * as one action goes) and one record's trail (target type + id).
 *
 *   npm run bench:audit            (AUDIT_ROWS=1000000 CONCURRENCY=4 DURATION_MS=4000 to change)
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { auditPage, type AuditFilters } from '../../apps/api/src/modules/audit/viewer.js';
import { measure, printTable } from './latency.js';
import { prepareDatabase, startBenchServer } from './server.js';

const ROWS = Number(process.env.AUDIT_ROWS ?? 1_000_000);
const PAGE = 50;
const DEEP_PAGE = 10_000;
const concurrency = Number(process.env.CONCURRENCY ?? 4);
const durationMs = Number(process.env.DURATION_MS ?? 4000);
const CHUNK = 200_000;
const BUSY_ACTOR = '00000000-0000-4000-8000-00000000b057';

const prepared = await prepareDatabase();
const db = prepared.database.db;
const seedStart = performance.now();
// 1M rows over the last 365 days; 60 % by one busy actor, the rest by 500 others; 12 actions; targets
// of four types. Ids are v4 (random) here: the viewer pages on (at, id), not on id order.
for (let from = 1; from <= ROWS; from += CHUNK) {
  const to = Math.min(ROWS, from + CHUNK - 1);
  await db.execute(sql`
    insert into audit_log (id, at, actor_id, actor_role, action, target_type, target_id, after, ip, request_id)
    select gen_random_uuid(),
           now() - interval '365 days' * (1 - g::float8 / ${ROWS}) - interval '1 microsecond' * (g % 997),
           case when g % 5 < 3 then ${BUSY_ACTOR}::uuid
                else ('00000000-0000-4000-8000-' || lpad((g % 500)::text, 12, '0'))::uuid end,
           (array['super_admin','supervisor','verification_assessor','enumerator'])[1 + g % 4],
           (array['respondent.viewed','respondent.listed','respondent.created','staff.invited','auth.login',
                  'submission.received','respondent.verified','respondent.rejected','nin.checked',
                  'duplicate.merged','audit.viewed','staff.updated'])[1 + g % 12],
           (array['respondent','user','submission','nin'])[1 + g % 4],
           md5(g::text),
           jsonb_build_object('n', g),
           '10.0.' || (g % 250) || '.' || (g % 200),
           'bench-' || g
    from generate_series(${from}::int, ${to}::int) g`);
}
// Settle the fresh table before measuring (else the first run pays for its autovacuum).
await db.execute(sql`vacuum analyze audit_log`);
const seeded = Number(
  ((await db.execute(sql`select count(*)::int as n from audit_log`)) as unknown as { rows: { n: number }[] }).rows[0]!
    .n,
);
console.log(`seeded ${seeded} audit rows in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

/** The cursor the viewer would hand out after `rows` rows of this filter (row `rows` is the page's last). */
async function cursorAfter(rows: number, actor?: string, action?: string) {
  const result = (await db.execute(sql`
    select at::text as at, id from audit_log
     where ${actor ? sql`actor_id = ${actor}::uuid` : sql`true`} and ${action ? sql`action = ${action}` : sql`true`}
     order by at desc nulls last, id desc nulls last offset ${rows - 1} limit 1`)) as unknown as {
    rows: { at: string; id: string }[];
  };
  const row = result.rows[0]!;
  return Buffer.from(JSON.stringify([row.at, row.id])).toString('base64url');
}
const deep = await cursorAfter((DEEP_PAGE - 1) * PAGE);
const deepActor = await cursorAfter((DEEP_PAGE - 1) * PAGE, BUSY_ACTOR);
// One action holds 1/12 of the rows (~83,000): its page 1,000 is about as deep as it goes at this size.
const deepAction = await cursorAfter((DEEP_PAGE / 10 - 1) * PAGE, undefined, 'auth.login');
/** The target id of seeded row g (its md5), so a record's trail can be asked for. */
const md5Of = (g: number) => createHash('md5').update(String(g)).digest('hex');

// The plan of the deep page: an index range scan, no sort, no offset.
const plan = (await db.execute(sql`
  explain (analyze, buffers, costs off)
  select * from audit_log
   where (at, id) < (${JSON.parse(Buffer.from(deep, 'base64url').toString())[0]}::timestamptz,
                     ${JSON.parse(Buffer.from(deep, 'base64url').toString())[1]}::uuid)
   order by at desc nulls last, id desc nulls last limit ${PAGE + 1}`)) as unknown as {
  rows: { 'QUERY PLAN': string }[];
};
console.log(`\nplan of page ${DEEP_PAGE} (unfiltered):\n${plan.rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`);

// The query alone (the viewer's own function on this database, no HTTP): p95 of 300 sequential calls.
// On a shared, busy machine the HTTP figures below carry everyone's CPU contention; these do not.
const decoded = (c: string) => {
  const [at, id] = JSON.parse(Buffer.from(c, 'base64url').toString()) as [string, string];
  return { at, id };
};
const queryScenarios: [string, AuditFilters, { at: string; id: string } | undefined][] = [
  ['page 1', {}, undefined],
  [`page ${DEEP_PAGE}`, {}, decoded(deep)],
  ['?actor page 1', { actor: BUSY_ACTOR }, undefined],
  [`?actor page ${DEEP_PAGE}`, { actor: BUSY_ACTOR }, decoded(deepActor)],
  ['?action page 1', { action: 'auth.login' }, undefined],
  [`?action page ${DEEP_PAGE / 10}`, { action: 'auth.login' }, decoded(deepAction)],
  ['?targetType&targetId', { targetType: 'respondent', targetId: md5Of(4000) }, undefined],
];
console.log(`\nthe query alone (auditPage, ${PAGE + 1} rows), 300 calls each:`);
console.log(`${'scenario'.padEnd(28)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
for (const [name, filters, after] of queryScenarios) {
  const times: number[] = [];
  for (let i = 0; i < 330; i++) {
    const t0 = performance.now();
    await auditPage(db, filters, PAGE + 1, after);
    if (i >= 30) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2).padStart(8);
  console.log(`${name.padEnd(28)} ${at(0.5)} ${at(0.95)} ${at(1 - 1e-9)}`);
}

const server = await startBenchServer(prepared);
try {
  const { url } = server;
  const authed = { headers: { cookie: server.admin.cookie } };
  const opts = { concurrency, durationMs };
  const q = (params: string) => `${url}/api/v1/audit?limit=${PAGE}${params}`;
  for (let run = 1; run <= 2; run++) {
    const health = await measure('GET /health (baseline, no I/O)', `${url}/api/v1/health`, {}, opts);
    const rows = [
      health,
      await measure('GET /audit page 1', q(''), authed, opts),
      await measure(`GET /audit page ${DEEP_PAGE}`, q(`&cursor=${deep}`), authed, opts),
      await measure('GET /audit ?actor page 1', q(`&actor=${BUSY_ACTOR}`), authed, opts),
      await measure(`GET /audit ?actor page ${DEEP_PAGE}`, q(`&actor=${BUSY_ACTOR}&cursor=${deepActor}`), authed, opts),
      await measure('GET /audit ?action page 1', q('&action=auth.login'), authed, opts),
      await measure(
        `GET /audit ?action page ${DEEP_PAGE / 10}`,
        q(`&action=auth.login&cursor=${deepAction}`),
        authed,
        opts,
      ),
      await measure(
        'GET /audit ?targetType&targetId',
        q(`&targetType=respondent&targetId=${md5Of(4000)}`),
        authed,
        opts,
      ),
    ];
    console.log(
      `\nrun ${run}: ${seeded} audit rows; ${PAGE} per page; one API process (built, NODE_ENV=production); ${concurrency} concurrent clients; ${durationMs / 1000} s per scenario`,
    );
    printTable(rows, health);
    const failed = rows.reduce((n, r) => n + r.errors, 0);
    if (failed) {
      console.error(`\n${failed} requests failed`);
      process.exitCode = 1;
    }
  }
} finally {
  await server.stop();
}
