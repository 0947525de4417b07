/**
 * What one idle, connected enumerator costs for message delivery: the PWA polls
 * GET /api/v1/messages/unread every 30 s while the page is visible (apps/web/src/offline/dashboard.ts);
 * the browser revalidates with the ETag and the API answers 304 while nothing changed.
 *
 * The built server as its own process on real PostgreSQL + Redis, with a team of enumerators and a
 * message history seeded (MESSAGES per enumerator, a few unread). Measured in the same run:
 *   - bytes on the wire per poll (request line + headers sent, status line + headers + body received),
 *     for the usual 304 and for a 200 after a change;
 *   - server CPU per poll (utime + stime of the API process from /proc, over POLLS polls), against
 *     GET /api/v1/health (no I/O) as the baseline;
 *   - latency p50/p95 under CONCURRENCY clients, against the same baseline.
 * Then: requests and bytes per minute for one idle client, and what 99 / 3,000 such clients cost.
 *
 *   npm run bench:messages-poll     (ENUMERATORS=99 MESSAGES=200 POLLS=3000 CONCURRENCY=8 to change)
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { sql } from 'drizzle-orm';
import { hashPassword } from '../../apps/api/src/modules/auth/passwords.js';
import { measure, printTable } from './latency.js';
import { prepareDatabase, startBenchServer } from './server.js';

const ENUMERATORS = Number(process.env.ENUMERATORS ?? 99);
const MESSAGES = Number(process.env.MESSAGES ?? 200);
const POLLS = Number(process.env.POLLS ?? 3000);
const concurrency = Number(process.env.CONCURRENCY ?? 8);
const durationMs = Number(process.env.DURATION_MS ?? 4000);
const POLL_INTERVAL_S = 30;
const PASSWORD = 'bench messages password';

const prepared = await prepareDatabase();
const db = prepared.database.db;
const hash = await hashPassword(PASSWORD);
const seedStart = performance.now();
// One supervisor per LGA with its enumerators spread over the 33 LGAs; every enumerator has a
// history of MESSAGES team broadcasts from their supervisor, the newest three unread.
await db.execute(sql`
  insert into users (id, email, full_name, role, status, lga_code, password_hash, activated_at)
  select gen_random_uuid(), 'sup' || g || '@bench.oslrs', 'Supervisor ' || g, 'supervisor', 'active',
         (select code from lgas order by code offset (g % 33) limit 1), ${hash}, now()
  from generate_series(0, 32) g`);
await db.execute(sql`
  insert into users (id, email, full_name, role, status, lga_code, password_hash, activated_at)
  select gen_random_uuid(), 'enum' || g || '@bench.oslrs', 'Enumerator ' || g, 'enumerator', 'active',
         (select code from lgas order by code offset (g % 33) limit 1), ${hash}, now()
  from generate_series(0, ${ENUMERATORS - 1}) g`);
// Random ids (not UUIDv7): the unread count and the ETag do not depend on id order.
await db.execute(sql`
  insert into messages (id, sender_id, kind, lga_code, body, recipients, created_at)
  select gen_random_uuid(), s.id, 'team', s.lga_code, 'Broadcast ' || g, 3, now() - (g || ' minutes')::interval
  from users s cross join generate_series(1, ${MESSAGES}) g
  where s.role = 'supervisor' and s.email like '%@bench.oslrs'`);
await db.execute(sql`
  insert into message_recipients (recipient_id, message_id, read_at)
  select e.id, m.id,
         case when m.created_at < now() - interval '3 minutes' then m.created_at + interval '1 minute' end
  from users e join messages m on m.lga_code = e.lga_code
  where e.role = 'enumerator' and e.email like '%@bench.oslrs'`);
await db.execute(sql`analyze users; analyze messages; analyze message_recipients`);
const [{ n: recipientRows } = { n: 0 }] = (
  (await db.execute(sql`select count(*)::int as n from message_recipients`)) as unknown as { rows: { n: number }[] }
).rows;
console.log(
  `seeded 33 supervisors, ${ENUMERATORS} enumerators, ${recipientRows} message deliveries in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
);

const server = await startBenchServer(prepared);

/** One raw HTTP GET, counting the bytes both ways (request head; response status line, headers, body). */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; sent: number; received: number; etag?: string }>((ok, fail) => {
    const req = request(url, { method: 'GET', headers: { ...headers, connection: 'keep-alive' } }, (res) => {
      let body = 0;
      res.on('data', (c: Buffer) => (body += c.length));
      res.on('end', () => {
        const head =
          `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length +
          res.rawHeaders.reduce((n, h) => n + h.length + 2, 0) + // "name: " and CRLF: 2 bytes per half
          2;
        ok({ status: res.statusCode!, sent: reqHead, received: head + body, etag: res.headers.etag });
      });
    });
    const u = new URL(url);
    const reqHead =
      `GET ${u.pathname}${u.search} HTTP/1.1\r\n`.length +
      Object.entries({ host: u.host, ...headers, connection: 'keep-alive' }).reduce(
        (n, [k, v]) => n + k.length + 2 + String(v).length + 2,
        0,
      ) +
      2;
    req.on('error', fail);
    req.end();
  });
}

/** utime + stime of a process, in milliseconds (from /proc; clock ticks are 100 Hz on Linux). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function cpuPerRequest(url: string, headers: Record<string, string>, n: number): Promise<number> {
  const before = cpuMs(server.pids.server);
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i++ < n) {
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
      }
    }),
  );
  return (cpuMs(server.pids.server) - before) / n;
}

try {
  const { url } = server;
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'enum0@bench.oslrs', password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`enumerator sign-in: ${login.status} ${await login.text()}`);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  // What the browser sends on a same-origin fetch (roughly): the cookie, Accept, a UA and friends.
  const browserish = {
    cookie,
    accept: 'application/json',
    'user-agent':
      'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36',
    'accept-encoding': 'gzip, deflate, br',
    'accept-language': 'en-GB,en;q=0.9',
  };
  const unreadUrl = `${url}/api/v1/messages/unread`;

  const first = await rawGet(unreadUrl, browserish);
  if (first.status !== 200 || !first.etag) throw new Error(`unread: ${first.status}`);
  const idle = await rawGet(unreadUrl, { ...browserish, 'if-none-match': first.etag });
  if (idle.status !== 304) throw new Error(`expected 304, got ${idle.status}`);

  // Warm up (JIT, connection pools, the session cache) before counting CPU.
  await cpuPerRequest(`${url}/api/v1/health`, {}, 500);
  await cpuPerRequest(unreadUrl, { cookie, 'if-none-match': first.etag }, 500);
  await cpuPerRequest(unreadUrl, { cookie }, 500);
  const healthCpu = await cpuPerRequest(`${url}/api/v1/health`, {}, POLLS);
  // Alternated twice, the lower of each kept: a busy machine only ever adds.
  const pollA = await cpuPerRequest(unreadUrl, { cookie, 'if-none-match': first.etag }, POLLS);
  const fullA = await cpuPerRequest(unreadUrl, { cookie }, POLLS);
  const fullB = await cpuPerRequest(unreadUrl, { cookie }, POLLS);
  const pollB = await cpuPerRequest(unreadUrl, { cookie, 'if-none-match': first.etag }, POLLS);
  console.log(
    `  (CPU samples: 304 ${pollA.toFixed(3)} / ${pollB.toFixed(3)} ms; 200 ${fullA.toFixed(3)} / ${fullB.toFixed(3)} ms)`,
  );
  const pollCpu = Math.min(pollA, pollB);
  const fullCpu = Math.min(fullA, fullB);

  const opts = { concurrency, durationMs };
  const health = await measure('GET /health (baseline, no I/O)', `${url}/api/v1/health`, {}, opts);
  const rows = [
    health,
    await measure(
      'GET /messages/unread (304, idle)',
      unreadUrl,
      { headers: { cookie, 'if-none-match': first.etag } },
      opts,
    ),
    await measure('GET /messages/unread (200)', unreadUrl, { headers: { cookie } }, opts),
    await measure(
      'GET /messages?limit=20 (on change)',
      `${url}/api/v1/messages?limit=20`,
      { headers: { cookie } },
      opts,
    ),
  ];

  const perMinute = 60 / POLL_INTERVAL_S;
  const bytesPerPoll = idle.sent + idle.received;
  console.log(
    `\n${ENUMERATORS} enumerators, ${MESSAGES} broadcasts per LGA (${recipientRows} deliveries); one API process (built, NODE_ENV=production)`,
  );
  console.log('\nOne idle connected client (PWA open, page visible, nothing new):');
  console.log(`  polls            ${perMinute} requests/min (every ${POLL_INTERVAL_S} s)`);
  console.log(
    `  bytes per poll   ${idle.sent} sent + ${idle.received} received = ${bytesPerPoll} B (304; a 200 after a change: ${first.sent} + ${first.received} B)`,
  );
  console.log(
    `  bytes per minute ${bytesPerPoll * perMinute} B (${((bytesPerPoll * perMinute * 60) / 1024).toFixed(0)} KiB/hour)`,
  );
  console.log(
    `  server CPU/poll  ${pollCpu.toFixed(3)} ms (304) · ${fullCpu.toFixed(3)} ms (200) · baseline /health ${healthCpu.toFixed(3)} ms — over ${POLLS} requests each, ${concurrency} at a time`,
  );
  console.log(
    `  server CPU/min   ${(pollCpu * perMinute).toFixed(2)} ms per client; 99 clients ${((pollCpu * perMinute * 99) / 1000).toFixed(2)} s/min (${((pollCpu * perMinute * 99) / 600).toFixed(2)} % of one core); 3,000 clients ${((pollCpu * perMinute * 3000) / 1000).toFixed(1)} s/min (${((pollCpu * perMinute * 3000) / 600).toFixed(1)} % of one core)`,
  );
  console.log('  (TLS, NGINX and the PostgreSQL backend are not counted: this is the API process only.)\n');
  printTable(rows, health);
  const failed = rows.reduce((n, r) => n + r.errors, 0);
  if (failed) {
    console.error(`\n${failed} requests failed`);
    process.exitCode = 1;
  }
} finally {
  await server.stop();
}
