/**
 * What the load generator itself costs (issue 13 item 4): the generator's real code (vu.ts's runner,
 * its worker threads, scenarios.ts's VirtualUser: same role mix, same per-user keep-alive connection
 * and loopback source address, same cookie jar and CSRF token) against a trivial target, a bare
 * node:http server in this process that answers every route the mix calls cheaply, with bodies of
 * plausible sizes (gzip as NGINX sends it: the built web app's .gz files for pages and assets, JSON
 * over 256 bytes compressed once at start), a session cookie and CSRF token checked on every staff
 * call (a wrong one is a 401/403, i.e. an error in the generator's figures).
 *
 * Each generator run is a child process (so its RSS is its own); the target's CPU is this process's,
 * over the same hold windows. Printed per step: req/s, generator CPU µs per request and % of a core,
 * event-loop delay p99/max (the largest over its threads), RSS and RSS per user (marginal, between
 * steps), the target's CPU µs per request, and errors. With BASELINE=<git rev> the generator's files
 * at that revision (vu.ts, vu-worker.ts, scenarios.ts, monitor.ts, accounts.ts) run too, alternating
 * with the working tree's, ROUNDS times.
 *
 *   npm run bench:gen
 *     USERS=2000,5000,10000   THINK_MS=5000-10000 (the capacity run's)   HOLD_S=20   RAMP_RATE=500
 *     ROUNDS=2   BASELINE=<rev> (unset: the working tree only)   GENERATORS=2 (threads; a list
 *     such as 1,2,3 runs each)   GEN_NICE=0 (the generator threads' nice value; a list such as
 *     0,-10 runs each)   GEN_CPU_PROF=<dir> (CPU profiles of the generator runs, every thread)
 */
import { fork, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');

const QUESTIONNAIRE_ID = '00000000-0000-4000-8000-0000000000aa';
const VERSION_ID = '00000000-0000-4000-8000-0000000000bb';
const DIST = join(root, 'apps', 'web', 'dist');

function assetPaths(): string[] {
  try {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  } catch {
    return ['/assets/a.js', '/assets/b.js', '/assets/c.css'];
  }
}

interface ChildStep {
  vus: number;
  rps: number;
  p50: number;
  p95: number;
  errors: number;
  rampErrors: number;
  reasons: Record<string, number>;
  holdS: number;
  cpu: number;
  loopP99: number;
  loopMax: number;
  rssMb: number;
}
type ChildMessage = { t: 'hold' } | { t: 'step'; step: ChildStep } | { t: 'rss0'; rssMb: number };

if (process.argv[2] === '--child') {
  // ---------------------------------------------------------------- a generator run (child process)
  const dir = process.argv[3]!;
  const spec = JSON.parse(process.argv[4]!) as {
    users: number[];
    thinkMin: number;
    thinkMax: number;
    holdS: number;
    rampRate: number;
    generators: number;
    nice: number;
    origin: string;
  };
  const send = (m: ChildMessage) => process.send!(m);
  const { runSteps } = (await import(pathToFileURL(join(dir, 'vu.ts')).href)) as typeof import('./vu.js');
  const { DEFAULT_ROLE_MIX } = (await import(
    pathToFileURL(join(dir, 'scenarios.ts')).href
  )) as typeof import('./scenarios.js');
  send({ t: 'rss0', rssMb: process.memoryUsage().rss / 1048576 });
  let previous = 0;
  await runSteps({
    target: {
      origin: spec.origin,
      questionnaireId: QUESTIONNAIRE_ID,
      versionId: VERSION_ID,
      assets: assetPaths(),
      seededRespondents: 100_000,
    },
    steps: spec.users.map((vus) => {
      const rampS = Math.max(5, Math.ceil((vus - previous) / spec.rampRate));
      previous = vus;
      return { vus, rampS, holdS: spec.holdS };
    }),
    roleMix: DEFAULT_ROLE_MIX,
    thinkMinMs: spec.thinkMin,
    thinkMaxMs: spec.thinkMax,
    liveEveryS: 0,
    generators: spec.generators,
    nice: spec.nice,
    log: () => {},
    beforeHold: async () => {
      // Let the ramp's first requests (sign-ins, first pages) settle into the steady mix first.
      await new Promise((r) => setTimeout(r, Math.min(spec.thinkMax, 5000)));
      send({ t: 'hold' });
    },
    onStep: (r) => {
      send({
        t: 'step',
        step: {
          vus: r.vus,
          rps: r.overall.rps,
          p50: r.overall.p50,
          p95: r.overall.p95,
          errors: r.overall.errors,
          rampErrors: r.rampErrors,
          reasons: r.errorReasons,
          holdS: r.holdS,
          cpu: r.loadgen.cpu,
          loopP99: r.loadgen.eventLoopP99Ms,
          loopMax: r.loadgen.eventLoopMaxMs,
          rssMb: r.loadgen.rssMb,
        },
      });
    },
  });
  process.exit(0);
}

// ---------------------------------------------------------------------------- the trivial target
if (process.argv[2] !== '--child') await main();

async function main() {
  const USERS = (process.env.USERS ?? '2000,5000,10000').split(',').map(Number);
  const [thinkMin, thinkMax] = (process.env.THINK_MS ?? '5000-10000').split('-').map(Number) as [number, number];
  const HOLD_S = Number(process.env.HOLD_S ?? 20);
  const RAMP_RATE = Number(process.env.RAMP_RATE ?? 500);
  const ROUNDS = Number(process.env.ROUNDS ?? 2);
  const THREADS = (process.env.GENERATORS ?? '2').split(',').map(Number);
  const NICES = (process.env.GEN_NICE ?? '0').split(',').map(Number);
  const BASELINE = process.env.BASELINE;

  /** A body as NGINX would send it: gzip from 256 bytes up (the pages and assets: their .gz files). */
  interface Canned {
    body: Buffer;
    headers: Record<string, string>;
  }
  const json = (value: unknown, extra: Record<string, string> = {}): Canned => {
    const raw = Buffer.from(JSON.stringify(value));
    const gz = raw.length >= 256;
    return {
      body: gz ? gzipSync(raw, { level: 4 }) : raw,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...(gz ? { 'content-encoding': 'gzip' } : {}),
        ...extra,
      },
    };
  };
  const file = (path: string, type: string, fallback: number): Canned => {
    try {
      return { body: readFileSync(`${path}.gz`), headers: { 'content-type': type, 'content-encoding': 'gzip' } };
    } catch {
      try {
        return { body: readFileSync(path), headers: { 'content-type': type } };
      } catch {
        return {
          body: gzipSync(Buffer.alloc(fallback * 3, 'x = 1;\n')),
          headers: { 'content-type': type, 'content-encoding': 'gzip' },
        };
      }
    }
  };
  const page = file(join(DIST, 'index.html'), 'text/html; charset=utf-8', 600);
  const assets = new Map(
    assetPaths().map((p) => [
      p,
      file(join(DIST, p), p.endsWith('.css') ? 'text/css' : 'application/javascript', 10_000),
    ]),
  );
  const staffRow = (i: number) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    email: `load-enumerator-${i}@load.oslrs.test`,
    fullName: `Adebayo Okafor ${i}`,
    role: 'enumerator',
    lga: 'ibadan_north',
    status: 'active',
    phone: '08012345678',
    lastLoginAt: '2026-12-06T10:00:00.000Z',
    createdAt: '2026-11-01T10:00:00.000Z',
  });
  const submissionRow = (i: number) => ({
    id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
    status: 'ingested',
    source: 'enumerator',
    completedAt: '2026-12-06T10:00:00.000Z',
    receivedAt: '2026-12-06T10:01:00.000Z',
    respondent: { surname: 'Adeyemi', firstname: 'Folake' },
    fraud: { score: 12, severity: 'low' },
  });
  const schemaBody = json(
    {
      questionnaireId: QUESTIONNAIRE_ID,
      versionId: VERSION_ID,
      title: 'Oyo State Labour & Skills Survey',
      sections: Array.from({ length: 12 }, (_, s) => ({
        id: `s${s}`,
        title: `Section ${s}`,
        questions: Array.from({ length: 15 }, (_, q) => ({
          name: `q_${s}_${q}`,
          type: q % 3 ? 'text' : 'select_one',
          label: { en: `Question ${s}.${q}: what is the answer?`, yo: `Ìbéèrè ${s}.${q}` },
          required: q % 2 === 0,
          choices: q % 3 ? undefined : ['yes', 'no', 'maybe'].map((c) => ({ name: c, label: { en: c, yo: c } })),
        })),
      })),
    },
    { etag: `"${VERSION_ID}"` },
  );
  const canned = {
    forms: json({
      forms: [{ id: QUESTIONNAIRE_ID, title: 'Survey', versionId: VERSION_ID }],
      settings: { staffQuestionnaireId: QUESTIONNAIRE_ID },
    }),
    health: json({ status: 'ok', uptimeS: 100 }),
    me: json({ user: { ...staffRow(1), permissions: ['submissions:create', 'forms:read', 'staff:read'] } }),
    checkNin: json({ registered: false }),
    submissionStatus: json(submissionRow(1)),
    mySubmissions: json({ items: Array.from({ length: 20 }, (_, i) => submissionRow(i)), nextCursor: 'abc' }),
    staffList: json({ items: Array.from({ length: 25 }, (_, i) => staffRow(i)), total: 200, page: 1, pageSize: 25 }),
    staffSummary: json({
      total: 200,
      byRole: { enumerator: 150, supervisor: 33 },
      byLga: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`lga_${i}`, 6])),
    }),
    batch: Array.from({ length: 11 }, (_, n) =>
      json({ results: Array.from({ length: n }, (_, i) => ({ id: submissionRow(i).id, status: 'accepted' })) }),
    ),
    accepted: json({ id: submissionRow(1).id, status: 'received' }),
    unauthorized: json({ error: { code: 'AUTH_REQUIRED', message: 'Sign in' } }),
    csrf: json({ error: { code: 'CSRF_INVALID', message: 'CSRF' } }),
    notFound: json({ error: { code: 'NOT_FOUND', message: 'Not found' } }),
  };
  /** Session id → CSRF token. */
  const sessions = new Map<string, string>();
  let nextSession = 0;

  const send = (res: ServerResponse, status: number, c?: Canned, extra?: Record<string, string | string[]>) => {
    res.writeHead(status, c ? { ...c.headers, 'content-length': String(c.body.length), ...extra } : extra);
    res.end(c?.body);
  };
  const session = (req: IncomingMessage): string | undefined => {
    const cookie = req.headers.cookie;
    if (!cookie?.startsWith('sid=')) return undefined;
    const sid = cookie.slice(4);
    return sessions.has(sid) ? sid : undefined;
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = req.url!;
    const path = url.split('?')[0]!;
    if (req.method === 'GET') {
      if (path === '/' || path === '/login' || path === '/register' || path === '/marketplace')
        return send(res, 200, page);
      const asset = assets.get(path);
      if (asset) return send(res, 200, asset);
      if (path === '/api/v1/health') return send(res, 200, canned.health);
      if (path === '/api/v1/forms') return send(res, 200, canned.forms);
      if (path === `/api/v1/forms/${QUESTIONNAIRE_ID}/schema`) {
        if (req.headers['if-none-match'] === `"${VERSION_ID}"`)
          return send(res, 304, undefined, { etag: `"${VERSION_ID}"` });
        return send(res, 200, schemaBody);
      }
    }
    if (path === '/api/v1/auth/login' && req.method === 'POST') {
      const { email } = JSON.parse(body) as { email: string };
      const sid = `s${nextSession++}`;
      const csrf = `c${Math.random().toString(36).slice(2)}`;
      sessions.set(sid, csrf);
      return send(
        res,
        200,
        json({
          csrfToken: csrf,
          user: { id: sid, lga: email.includes('supervisor') ? 'iseyin' : 'ibadan_north', email },
        }),
        {
          'set-cookie': [`sid=${sid}; Path=/; HttpOnly; SameSite=Lax`, `oslrs_lang=en; Path=/`],
        },
      );
    }
    const sid = session(req);
    if (!sid) return send(res, 401, canned.unauthorized);
    if (req.method === 'POST') {
      if (req.headers['x-csrf-token'] !== sessions.get(sid)) return send(res, 403, canned.csrf);
      if (path === '/api/v1/auth/logout') {
        sessions.delete(sid);
        return send(res, 204);
      }
      if (path === '/api/v1/forms/check-nin') return send(res, 200, canned.checkNin);
      if (path === '/api/v1/submissions/batch') {
        const n = (JSON.parse(body) as { submissions: unknown[] }).submissions.length;
        return send(res, 200, canned.batch[n] ?? canned.batch[0]!);
      }
      if (path === '/api/v1/submissions') return send(res, 202, canned.accepted);
    } else {
      if (path === '/api/v1/auth/me') return send(res, 200, canned.me);
      if (path === '/api/v1/submissions') return send(res, 200, canned.mySubmissions);
      if (path.startsWith('/api/v1/submissions/')) return send(res, 200, canned.submissionStatus);
      if (path === '/api/v1/staff') return send(res, 200, canned.staffList);
      if (path === '/api/v1/staff/summary') return send(res, 200, canned.staffSummary);
    }
    return send(res, 404, canned.notFound);
  };
  const server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
    if (req.method === 'GET') {
      req.resume();
      return handle(req, res, '');
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.maxConnections = 30_000;
  server.headersTimeout = 120_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The baseline generator's files, at the same depth as tests/load (its relative imports resolve).
  const variants: { name: string; dir: string }[] = [{ name: 'working tree', dir: here }];
  let baselineDir: string | undefined;
  if (BASELINE) {
    const rev = execFileSync('git', ['rev-parse', '--short', BASELINE], { cwd: root, encoding: 'utf8' }).trim();
    baselineDir = join(root, 'tests', `.gen-baseline-${rev}`);
    mkdirSync(baselineDir, { recursive: true });
    for (const f of ['vu.ts', 'vu-worker.ts', 'scenarios.ts', 'monitor.ts', 'accounts.ts'])
      writeFileSync(
        join(baselineDir, f),
        execFileSync('git', ['show', `${rev}:tests/load/${f}`], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 }),
      );
    variants.unshift({ name: `baseline ${rev}`, dir: baselineDir });
  }

  interface Row extends ChildStep {
    variant: string;
    threads: number;
    round: number;
    targetUsPerReq: number;
    rss0: number;
    load: number;
  }
  const rows: Row[] = [];
  /** Per thread of a process: [utime, stime] in % of a core·s (ticks), and its name (comm). */
  const threadTicks = (pid: number) => {
    const out = new Map<string, [number, number, string]>();
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        const name = stat.slice(stat.indexOf('(') + 1, close).replace(/[0-9]+$/, '#');
        const f = stat.slice(close + 2).split(' ');
        out.set(tid, [Number(f[11]), Number(f[12]), name]);
      }
    } catch {
      // the run ended
    }
    return out;
  };
  const cpuOf = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  console.log(
    `gen-cost: users ${USERS.join(', ')}, think ${thinkMin}–${thinkMax} ms, hold ${HOLD_S} s, ramp ${RAMP_RATE} users/s, ` +
      `threads ${THREADS.join(', ')}, ${ROUNDS} round(s), variants: ${variants.map((v) => v.name).join(' / ')}; target ${origin}`,
  );
  const header =
    `${'variant'.padEnd(22)} ${'thr'.padStart(3)} ${'users'.padStart(6)} ${'req/s'.padStart(6)} ${'gen µs/req'.padStart(10)} ${'gen %'.padStart(6)} ` +
    `${'loop p99'.padStart(8)} ${'max'.padStart(6)} ${'RSS MB'.padStart(7)} ${'KB/user'.padStart(8)} ${'target µs/req'.padStart(13)} ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'err'.padStart(5)} ${'load1'.padStart(5)}`;
  const line = (r: Row, kbPerUser: number) =>
    `${r.variant.padEnd(22)} ${String(r.threads).padStart(3)} ${String(r.vus).padStart(6)} ${r.rps.toFixed(0).padStart(6)} ` +
    `${(((r.cpu / 100) * 1e6) / r.rps).toFixed(0).padStart(10)} ${r.cpu.toFixed(0).padStart(6)} ${r.loopP99.toFixed(1).padStart(8)} ${r.loopMax.toFixed(0).padStart(6)} ` +
    `${r.rssMb.toFixed(0).padStart(7)} ${kbPerUser.toFixed(1).padStart(8)} ${r.targetUsPerReq.toFixed(0).padStart(13)} ${String(r.p50?.toFixed(1) ?? '–').padStart(6)} ${String(r.p95?.toFixed(1) ?? '–').padStart(6)} ${String(r.errors + r.rampErrors).padStart(5)} ${r.load.toFixed(2).padStart(5)}`;
  console.log(header);
  try {
    for (let round = 1; round <= ROUNDS; round++)
      for (const threads of THREADS)
        for (const nice of NICES)
          for (const v of variants) {
            sessions.clear();
            const spec = {
              users: USERS,
              thinkMin,
              thinkMax,
              holdS: HOLD_S,
              rampRate: RAMP_RATE,
              generators: threads,
              nice,
              origin,
            };
            const child = fork(fileURLToPath(import.meta.url), ['--child', v.dir, JSON.stringify(spec)], {
              execArgv: [
                '--import',
                'tsx',
                ...(process.env.GEN_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.GEN_CPU_PROF] : []),
              ],
              stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
            });
            let t0 = 0;
            let c0 = 0;
            let k0 = new Map<string, [number, number, string]>();
            let rss0 = NaN;
            let prev: Row | undefined;
            child.on('message', (m: ChildMessage) => {
              if (m.t === 'rss0') rss0 = m.rssMb;
              else if (m.t === 'hold') {
                t0 = performance.now();
                c0 = cpuOf();
                k0 = threadTicks(child.pid!);
              } else if (m.t === 'step') {
                const seconds = (performance.now() - t0) / 1000;
                const k1 = threadTicks(child.pid!);
                const split = new Map<string, [number, number]>();
                for (const [tid, [u, sy, name]] of k1) {
                  const [u0, s0] = k0.get(tid) ?? [0, 0];
                  const acc = split.get(name) ?? [0, 0];
                  split.set(name, [acc[0] + (u - u0) / seconds, acc[1] + (sy - s0) / seconds]);
                }
                const targetCpu = (cpuOf() - c0) / 1e6 / seconds; // cores
                const row: Row = {
                  ...m.step,
                  variant: nice ? `${v.name}, nice ${nice}` : v.name,
                  threads,
                  round,
                  targetUsPerReq: (targetCpu * 1e6) / m.step.rps,
                  rss0,
                  load: loadavg()[0]!,
                };
                rows.push(row);
                const kb = prev
                  ? ((row.rssMb - prev.rssMb) * 1024) / (row.vus - prev.vus)
                  : ((row.rssMb - rss0) * 1024) / row.vus;
                console.log(line(row, kb));
                console.log(
                  `    generator threads, % of a core user+sys: ${[...split]
                    .filter(([, [u, sy]]) => u + sy >= 0.5)
                    .sort((a, b) => b[1][0] + b[1][1] - a[1][0] - a[1][1])
                    .map(([name, [u, sy]]) => `${name} ${u.toFixed(0)}+${sy.toFixed(0)}`)
                    .join(', ')}`,
                );
                const reasons = Object.entries(row.reasons);
                if (reasons.length)
                  console.log(
                    `    errors: ${reasons
                      .slice(0, 5)
                      .map(([k, n]) => `${n} × ${k}`)
                      .join('; ')}`,
                  );
                prev = row;
              }
            });
            const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
            if (code !== 0) throw new Error(`generator run (${v.name}) exited ${code}`);
          }
  } finally {
    server.closeAllConnections();
    server.close();
    if (baselineDir && existsSync(baselineDir)) rmSync(baselineDir, { recursive: true, force: true });
  }

  // Summary: per variant, threads and users, the spread over rounds.
  console.log(
    '\nsummary (min–max over rounds): generator µs of CPU per request, event-loop delay p99 ms, KB of RSS per user (marginal)',
  );
  const keys = [...new Set(rows.map((r) => `${r.variant}|${r.threads}`))];
  for (const key of keys) {
    const [variant, threads] = key.split('|');
    for (const vus of USERS) {
      const rs = rows.filter((r) => `${r.variant}|${r.threads}` === key && r.vus === vus);
      if (!rs.length) continue;
      const span = (f: (r: Row) => number, d = 0) => {
        const xs = rs.map(f);
        return `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}`;
      };
      console.log(
        `  ${variant!.padEnd(22)} ${threads} thr ${String(vus).padStart(6)} users: ${span((r) => r.rps)} req/s, gen ${span((r) => ((r.cpu / 100) * 1e6) / r.rps)} µs/req, ` +
          `loop p99 ${span((r) => r.loopP99, 1)} ms, RSS ${span((r) => r.rssMb)} MB (${span((r) => ((r.rssMb - r.rss0) * 1024) / r.vus, 1)} KB/user incl. threads), target ${span((r) => r.targetUsPerReq)} µs/req`,
      );
    }
  }
}
