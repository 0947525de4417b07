/**
 * Two API nodes, as the split architecture runs them (RUNBOOK.md, "When to add a node, and how"),
 * on this one machine: each node is its own network namespace with its own address and its own PM2
 * cluster of the built API (deploy/pm2/ecosystem.config.cjs, 2 API workers; the job worker on node B
 * only), one NGINX in the root namespace balancing across both (the shipped templates rendered with
 * API_NODES), and one PostgreSQL and one Redis — the machine's, which listen on 127.0.0.1 only, so a
 * small TCP forwarder (forwarder.mjs) listens on the host side of each node's link.
 *
 * The cross-node checks talk to each node directly (node A, then node B) so that "made on one node,
 * used on the other" is certain, not left to the balancer; the drain check goes through NGINX.
 * Addresses: 10.213.N.0/29, only inside this test's namespaces and links (netns.ts).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  TEST_PII_ENV,
  TEST_REDIS_URL,
  createTestDatabase,
  clearRedisPrefix,
} from '../../apps/api/test/harness.js';
import { MASTER_FORM, submissionBody } from '../../apps/api/test/testkit.js';
import {
  Pm2,
  countBy,
  ecosystemFile,
  freePort,
  httpRequest,
  nginxTest,
  renderForTest,
  root,
  sleep,
  startLoad,
  startNginx,
  type HttpOptions,
  type HttpResult,
  type LoadSummary,
  type NginxProcess,
  cleanup,
} from './lib.js';
import {
  createNodeNet,
  netnsUnavailable,
  nsPids,
  pickSubnet,
  removeNamespace,
  sweepLeftovers,
  type NodeNet,
} from './netns.js';

const unavailable = netnsUnavailable();
const API_PORT = 3000; // the same on both nodes: each namespace has its own ports
const PG_URL = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const REDIS_URL = new URL(TEST_REDIS_URL);
/** Capacity figures: pairs of (two nodes, one node) runs of a signed-in read through NGINX. */
const CAPACITY_RUNS = Number(process.env.OSLRS_TWO_NODE_RUNS ?? 1);
const CAPACITY_SECONDS = Number(process.env.OSLRS_TWO_NODE_SECONDS ?? 2);

type Tag = 'a' | 'b';
interface Node {
  tag: Tag;
  net: NodeNet;
  pm2: Pm2;
  dir: string;
  killed: boolean;
}

let tmp: string;
let subnet: number;
let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let redisPrefix: string;
let forwarder: ReturnType<typeof spawn> | undefined;
const nodes = {} as Record<Tag, Node>;
let nginxDir: string;
let nginxPort: number;
let nginx: NginxProcess | undefined;
let admin: { cookie: string; csrf: string };
const report: Record<string, unknown> = {};

/** One request straight to a node's API (not through NGINX), as client `client` (X-Forwarded-For). */
function direct(tag: Tag, path: string, opts: HttpOptions & { client?: string; json?: unknown } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.client) headers['x-forwarded-for'] = opts.client;
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  return httpRequest(API_PORT, path, {
    ...opts,
    method: opts.method ?? (opts.json !== undefined ? 'POST' : 'GET'),
    host: nodes[tag].net.nodeAddr,
    headers,
    body: opts.json !== undefined ? JSON.stringify(opts.json) : opts.body,
  });
}

const json = <T = Record<string, unknown>>(r: HttpResult) => JSON.parse(r.body.toString()) as T;
const authOf = (s: { cookie: string; csrf: string }) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

async function login(tag: Tag, email: string, password: string, client: string) {
  const r = await direct(tag, '/api/v1/auth/login', { client, json: { email, password } });
  if (r.status !== 200) throw new Error(`login on ${tag}: ${r.status} ${r.body}`);
  const cookie = (r.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('oslrs_session='))!;
  return { cookie, csrf: json<{ csrfToken: string }>(r).csrfToken };
}

/** Which node's API logged each request id (NGINX sends X-Request-Id; the API logs it as reqId). */
async function nodesOf(requestIds: string[], timeoutMs = 10_000): Promise<(Tag | undefined)[]> {
  const wanted = new Set(requestIds);
  const found = new Map<string, Tag>();
  const until = Date.now() + timeoutMs;
  for (;;) {
    for (const tag of ['a', 'b'] as const) {
      const log = join(nodes[tag].dir, 'logs/oslrs-api.out.log');
      if (!existsSync(log)) continue;
      for (const line of readFileSync(log, 'utf8').split('\n')) {
        if (!line.includes('"reqId"')) continue;
        try {
          const rec = JSON.parse(line) as { reqId?: string };
          if (rec.reqId && wanted.has(rec.reqId)) found.set(rec.reqId, tag);
        } catch {
          // a line cut mid-write
        }
      }
    }
    if (found.size === wanted.size || Date.now() > until) return requestIds.map((id) => found.get(id));
    await sleep(200);
  }
}

/** Renders the shipped NGINX templates with these upstream servers and (re)loads them. */
async function nginxUpstream(which: { a?: 'up' | 'down'; b?: 'up' | 'down' }) {
  const line = (tag: Tag) => `${nodes[tag].net.nodeAddr}:${API_PORT}${which[tag] === 'down' ? ' down' : ''}`;
  const r = renderForTest(nginxDir, {
    apiPort: API_PORT,
    listenPort: nginxPort,
    apiNodes: `${line('a')},${line('b')}`,
  });
  const t = nginxTest(r);
  if (!t.ok) throw new Error(`nginx -t: ${t.output}`);
  if (!nginx) nginx = await startNginx(r);
  else {
    process.kill(nginx.child.pid!, 'SIGHUP'); // graceful: old workers finish their requests, then exit
    await sleep(1000);
  }
}

async function waitOnline(node: Node, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  const workers = node.tag === 'b' ? 1 : 0;
  for (;;) {
    const list = await node.pm2.jlist();
    const api = list.filter((p) => p.name === 'oslrs-api' && p.pm2_env.status === 'online');
    const worker = list.filter((p) => p.name === 'oslrs-worker' && p.pm2_env.status === 'online');
    if (api.length === 2 && worker.length === workers) return list;
    if (Date.now() > until)
      throw new Error(`node ${node.tag}: ${JSON.stringify(list.map((p) => [p.name, p.pm2_env.status]))}`);
    await sleep(300);
  }
}

describe.skipIf(unavailable)('two API nodes (network namespaces) behind one NGINX, one PostgreSQL, one Redis', () => {
  beforeAll(async () => {
    const t0 = Date.now();
    const swept = sweepLeftovers();
    if (swept.length) report.sweptFromCrashedRun = swept;
    tmp = mkdtempSync(join(tmpdir(), 'oslrs-2n-'));
    subnet = pickSubnet();
    for (const tag of ['a', 'b'] as const) mkdirSync(join(tmp, `node-${tag}`, 'pm2'), { recursive: true });
    // Namespaces first named in the state directory, so the reaper removes them if this process dies.
    writeFileSync(join(tmp, 'netns'), ['a', 'b'].map((t) => `oslrs2n-${process.pid}-${t}\n`).join(''));
    spawn(
      process.execPath,
      [
        join(root, 'tests/stack/reaper.mjs'),
        String(process.pid),
        join(tmp, 'node-a/pm2'),
        join(root, 'node_modules/pm2/bin/pm2'),
        tmp,
        join(tmp, 'node-b/pm2'),
      ],
      { detached: true, stdio: 'ignore' },
    ).unref();

    const nets = { a: createNodeNet('a', subnet), b: createNodeNet('b', subnet) };
    const pgPort = PG_URL.port || '5432';
    const redisPort = REDIS_URL.port || '6379';
    forwarder = spawn(
      process.execPath,
      [
        join(root, 'tests/stack/forwarder.mjs'),
        String(process.pid),
        ...(['a', 'b'] as const).flatMap((t) => [`${nets[t].hostAddr}=${pgPort}`, `${nets[t].hostAddr}=${redisPort}`]),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const ports = await new Promise<Record<string, number>>((ok, fail) => {
      const rl = createInterface({ input: forwarder!.stdout! });
      rl.once('line', (l) => ok(JSON.parse(l) as Record<string, number>));
      forwarder!.once('exit', (code) => fail(new Error(`forwarder exited (${code})`)));
    });

    db = await createTestDatabase();
    redisPrefix = `stack2n:${randomBytes(6).toString('hex')}:`;
    nginxDir = join(tmp, 'nginx');
    nginxPort = await freePort();
    const via = (url: string, t: Tag, target: string) => {
      const u = new URL(url);
      u.hostname = nets[t].hostAddr;
      u.port = String(ports[`${nets[t].hostAddr}=${target}`]);
      return u.toString();
    };

    for (const tag of ['a', 'b'] as const) {
      const dir = join(tmp, `node-${tag}`);
      const envFile = join(dir, 'oslrs.env');
      writeFileSync(
        envFile,
        [
          `# node ${tag}, written by tests/stack/two-nodes.test.ts`,
          `HOST=${nets[tag].nodeAddr}`,
          `PORT=${API_PORT}`,
          `PUBLIC_URL=http://localhost:${nginxPort}`,
          `DATABASE_URL=${via(db.appUrl, tag, pgPort)}`,
          `DATABASE_OWNER_URL=${via(db.ownerUrl, tag, pgPort)}`,
          `REDIS_URL=${via(TEST_REDIS_URL, tag, redisPort)}`,
          `REDIS_PREFIX=${redisPrefix}`,
          // NGINX (and this test) reach the node from the host side of its link: trust its X-Forwarded-For.
          `TRUST_PROXY=${nets[tag].hostAddr}`,
          'DB_POOL_MAX=5',
          `OSLRS_ADMIN_EMAIL=${ADMIN_EMAIL}`,
          `OSLRS_ADMIN_PASSWORD="${ADMIN_PASSWORD}"`,
          'LOG_LEVEL=info',
          `NIN_ENCRYPTION_KEY=${TEST_PII_ENV.NIN_ENCRYPTION_KEY}`,
          `NIN_INDEX_KEY=${TEST_PII_ENV.NIN_INDEX_KEY}`,
          'RATE_LIMIT_USER_PER_MINUTE=1000000',
          `OSLRS_LOG_DIR=${join(dir, 'logs')}`,
          'OSLRS_API_INSTANCES=2',
          // The job worker (and with it the outbox relay) runs on node B only.
          `OSLRS_JOB_WORKER=${tag === 'b'}`,
          // The relay looks every half second for submissions stuck a second (default: 30 s / 30 s).
          'RELAY_INTERVAL_MS=500',
          'OUTBOX_STALE_MS=1000',
          '',
        ].join('\n'),
      );
      const pm2 = new Pm2(join(dir, 'pm2'), { OSLRS_ENV_FILE: envFile }, nets[tag].ns);
      nodes[tag] = { tag, net: nets[tag], pm2, dir, killed: false };
    }
    // Both nodes start at once: their migrations meet at PostgreSQL's advisory lock.
    const started = await Promise.all([
      nodes.a.pm2.run(['start', ecosystemFile]),
      nodes.b.pm2.run(['start', ecosystemFile]),
    ]);
    for (const s of started) if (s.code !== 0) throw new Error(`pm2 start: ${s.stdout}${s.stderr}`);
    await Promise.all([waitOnline(nodes.a), waitOnline(nodes.b)]);
    await nginxUpstream({ a: 'up', b: 'up' });
    for (const tag of ['a', 'b'] as const) {
      const ready = await direct(tag, '/api/v1/health/ready');
      if (ready.status !== 200) throw new Error(`node ${tag} not ready: ${ready.status} ${ready.body}`);
    }
    admin = await login('a', ADMIN_EMAIL, ADMIN_PASSWORD, '198.51.100.1');
    report.setupMs = Date.now() - t0;
  }, 180_000);

  afterAll(async () => {
    const { step, fail, done } = cleanup();
    await step('nginx', () => nginx?.stop());
    for (const node of Object.values(nodes)) {
      // `pm2 kill` on a home whose daemon is gone would start a new one: only while it runs.
      if (!node.killed) await step(`pm2 kill ${node.tag}`, () => node.pm2.run(['kill'], 30_000));
      await step(`namespace ${node.tag}`, async () => {
        await sleep(200);
        const left = nsPids(node.net.ns);
        if (left.length) fail(`node ${node.tag}: pids ${left.join(',')} outlived pm2 kill`);
        removeNamespace(node.net.ns);
      });
    }
    await step('forwarder', () => forwarder?.kill('SIGKILL'));
    await step('drop database', () => db?.drop());
    await step('redis keys', async () => {
      if (redisPrefix) await clearRedisPrefix(redisPrefix);
    });
    if (tmp) {
      writeFileSync(join(tmp, 'done'), '');
      if (process.env.OSLRS_STACK_KEEP) console.log(`two-node stack test: kept ${tmp}`);
      else rmSync(tmp, { recursive: true, force: true });
    }
    console.log(`two-node stack test report: ${JSON.stringify(report, null, 2)}`);
    done();
  }, 90_000);

  it('(1) each node is its own PM2 cluster; the job worker runs on node B only; NGINX spreads requests over both', async () => {
    const a = await nodes.a.pm2.jlist();
    const b = await nodes.b.pm2.jlist();
    const shape = (list: typeof a) => countBy(list.map((p) => `${p.name}:${p.pm2_env.exec_mode}`));
    expect(shape(a)).toEqual({ 'oslrs-api:cluster_mode': 2 });
    expect(shape(b)).toEqual({ 'oslrs-api:cluster_mode': 2, 'oslrs-worker:fork_mode': 1 });
    // The PM2 processes live in the node's namespace, not the root one.
    for (const [tag, list] of [
      ['a', a],
      ['b', b],
    ] as const)
      for (const p of list) expect(nsPids(nodes[tag].net.ns)).toContain(p.pid);

    const responses = await Promise.all(
      Array.from({ length: 40 }, () => httpRequest(nginxPort, '/api/v1/health/ready')),
    );
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    const by = countBy((await nodesOf(responses.map((r) => String(r.headers['x-request-id'])))).map(String));
    report.spread = by;
    expect(Object.keys(by).sort()).toEqual(['a', 'b']);
  });

  it('(2) a session made on node A works on node B; its CSRF token from A is accepted on B, a wrong one refused', async () => {
    const me = await direct('b', '/api/v1/auth/me', { headers: { cookie: admin.cookie } });
    expect(me.status).toBe(200);
    expect(json<{ user: { email: string } }>(me).user.email).toBe(ADMIN_EMAIL);

    const current = json<{ version: number; thresholds: unknown }>(
      await direct('b', '/api/v1/settings/fraud', { headers: { cookie: admin.cookie } }),
    );
    const noToken = await direct('b', '/api/v1/settings/fraud', {
      method: 'PUT',
      headers: { cookie: admin.cookie },
      json: current.thresholds,
    });
    expect(noToken.status).toBe(403);
    expect(json(noToken)).toMatchObject({ error: { code: 'CSRF_TOKEN_INVALID' } });
    const wrong = await direct('b', '/api/v1/settings/fraud', {
      method: 'PUT',
      headers: { cookie: admin.cookie, 'x-csrf-token': 'x'.repeat(43) },
      json: current.thresholds,
    });
    expect(wrong.status).toBe(403);
    // The token node A gave at login, on node B: accepted. The change is a new version…
    const put = await direct('b', '/api/v1/settings/fraud', {
      method: 'PUT',
      headers: authOf(admin),
      json: current.thresholds,
    });
    expect(put.status, put.body.toString()).toBe(200);
    expect(json<{ version: number }>(put).version).toBe(current.version + 1);
    // …that node A reads at once.
    const onA = await direct('a', '/api/v1/settings/fraud', { headers: { cookie: admin.cookie } });
    expect(json<{ version: number }>(onA).version).toBe(current.version + 1);
  });

  it('(3) rate limits are counted across nodes: 100 anonymous requests pass in all, alternating A and B, then 429 on both', async () => {
    const client = `203.0.113.${1 + (process.pid % 250)}`;
    const statuses: Record<Tag, number[]> = { a: [], b: [] };
    for (let i = 0; i < 120; i++) {
      const tag: Tag = i % 2 ? 'b' : 'a';
      statuses[tag].push((await direct(tag, '/api/v1/lgas', { client })).status);
    }
    const all = countBy([...statuses.a, ...statuses.b].map(String));
    report.rateLimit = { a: countBy(statuses.a.map(String)), b: countBy(statuses.b.map(String)) };
    // One counter for both nodes: exactly 100 through. A counter per node would let 120 through.
    expect(all).toEqual({ 200: 100, 429: 20 });
    expect(statuses.a.slice(-5)).toEqual([429, 429, 429, 429, 429]);
    expect(statuses.b.slice(-5)).toEqual([429, 429, 429, 429, 429]);
  });

  let form: { id: string; versionId: string };

  it('(4) caches agree: node B serves the questionnaire node A has just published, though B had cached the previous version', async () => {
    const created = await direct('a', '/api/v1/questionnaires', {
      method: 'POST',
      headers: authOf(admin),
      json: { form: MASTER_FORM },
    });
    expect(created.status, created.body.toString()).toBe(201);
    const id = json<{ questionnaire: { id: string } }>(created).questionnaire.id;
    const v1 = await direct('a', `/api/v1/questionnaires/${id}/publish`, { method: 'POST', headers: authOf(admin) });
    expect(v1.status, v1.body.toString()).toBe(201);
    // Node B serves version 1 (and caches it: in its process and in Redis) — on both its workers.
    const schemaOnB = () => direct('b', `/api/v1/forms/${id}/schema`, { client: '198.51.100.4' });
    const first = await Promise.all([schemaOnB(), schemaOnB(), schemaOnB(), schemaOnB()]);
    for (const r of first) expect(json<{ version: number }>(r).version).toBe(1);

    // Node A publishes version 2 (a changed title)…
    const draft = await direct('a', `/api/v1/questionnaires/${id}/draft`, {
      method: 'PUT',
      headers: authOf(admin),
      json: { form: { ...MASTER_FORM, title: `${MASTER_FORM.title} (two nodes)` } },
    });
    expect(draft.status, draft.body.toString()).toBe(200);
    const v2 = await direct('a', `/api/v1/questionnaires/${id}/publish`, { method: 'POST', headers: authOf(admin) });
    expect(v2.status, v2.body.toString()).toBe(201);
    // …and node B serves it at once, whichever worker answers.
    const after = await Promise.all([schemaOnB(), schemaOnB(), schemaOnB(), schemaOnB()]);
    for (const r of after) expect(json<{ version: number }>(r).version).toBe(2);
    form = { id, versionId: json<{ versionId: string }>(after[0]!).versionId };
    expect(form.versionId).not.toBe(json<{ versionId: string }>(first[0]!).versionId);
  });

  let enumerator: { id: string; cookie: string; csrf: string };

  /** Polls node B until the submission has left `received`. */
  async function settledOnB(id: string, timeoutMs = 30_000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = await direct('b', `/api/v1/submissions/${id}`, { headers: { cookie: enumerator.cookie } });
      const s = json<{ status: string; respondentId?: string }>(r);
      if (r.status === 200 && s.status !== 'received') return s;
      if (Date.now() > until) throw new Error(`submission ${id} still ${r.status} ${r.body}`);
      await sleep(200);
    }
  }

  it('(5) queues: a submission taken on node A is ingested by the job worker on node B', async () => {
    const email = `enum.${redisPrefix.slice(8, 14)}@test.oslrs`;
    const invited = await direct('a', '/api/v1/staff', {
      method: 'POST',
      headers: authOf(admin),
      json: { fullName: 'Two Node Enumerator', email, phone: '08031234567', role: 'enumerator', lga: 'ibadan_north' },
    });
    expect(invited.status, invited.body.toString()).toBe(201);
    const { staff, activationUrl } = json<{ staff: { id: string }; activationUrl: string }>(invited);
    const token = new URL(activationUrl).searchParams.get('token')!;
    const password = 'two nodes, one registry';
    const activated = await direct('b', '/api/v1/auth/activate', { client: '198.51.100.5', json: { token, password } });
    expect(activated.status, activated.body.toString()).toBe(200);
    enumerator = { id: staff.id, ...(await login('a', email, password, '198.51.100.5')) };

    const body = submissionBody(form.versionId);
    const taken = await direct('a', '/api/v1/submissions', { method: 'POST', headers: authOf(enumerator), json: body });
    expect(taken.status, taken.body.toString()).toBe(202);
    const done = await settledOnB(body.id);
    expect(done.status).toBe('ingested');
    expect(done.respondentId).toMatch(/^[0-9a-f-]{36}$/);
    // Node A has no job worker to have done it (test 1).
  });

  it('(6) the outbox relay on node B delivers a submission node A took whose queued job was lost', async () => {
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('oslrs-jobs', { connection, prefix: `${redisPrefix}bull` });
    const body = submissionBody(form.versionId);
    try {
      // Node B's worker takes nothing while the queue is paused (its relay keeps running).
      await queue.pause();
      const taken = await direct('a', '/api/v1/submissions', { headers: authOf(enumerator), json: body });
      expect(taken.status, taken.body.toString()).toBe(202);
      // The job node A queued is lost (as if Redis had dropped it after the commit).
      expect(await queue.remove(body.id)).toBe(1);
      expect(await queue.getJobState(body.id)).toBe('unknown');
      const still = await direct('a', `/api/v1/submissions/${body.id}`, { headers: { cookie: enumerator.cookie } });
      expect(json<{ status: string }>(still).status).toBe('received');
    } finally {
      await queue.resume();
      await queue.close();
      connection.disconnect();
    }
    // Node B's relay finds the submission stuck (OUTBOX_STALE_MS) and queues it again; its worker ingests it.
    const done = await settledOnB(body.id);
    expect(done.status).toBe('ingested');
  });

  it('(7) revocation is immediate across nodes: signed out on A, or suspended on A, the session is refused on B', async () => {
    // A second admin session made on A, used on B (on both of B's workers: new connection each).
    const other = await login('a', ADMIN_EMAIL, ADMIN_PASSWORD, '198.51.100.7');
    const meOnB = (cookie: string) =>
      Promise.all(Array.from({ length: 4 }, () => direct('b', '/api/v1/auth/me', { headers: { cookie } })));
    expect((await meOnB(other.cookie)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const out = await direct('a', '/api/v1/auth/logout', { method: 'POST', headers: authOf(other) });
    expect(out.status).toBe(204);
    expect((await meOnB(other.cookie)).map((r) => r.status)).toEqual([401, 401, 401, 401]);

    // The enumerator, signed in on A, reads on B; the admin suspends them on A.
    expect((await meOnB(enumerator.cookie)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const suspended = await direct('a', `/api/v1/staff/${enumerator.id}`, {
      method: 'PATCH',
      headers: authOf(admin),
      json: { status: 'suspended' },
    });
    expect(suspended.status, suspended.body.toString()).toBe(200);
    expect((await meOnB(enumerator.cookie)).map((r) => r.status)).toEqual([401, 401, 401, 401]);
    const submitOnB = await direct('b', '/api/v1/submissions', {
      method: 'POST',
      headers: authOf(enumerator),
      json: submissionBody(form.versionId),
    });
    expect(submitOnB.status).toBe(401);
    // The admin's own session is untouched.
    expect((await meOnB(admin.cookie)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  /** 20 keep-alive clients through NGINX: the signed-in read and readiness, alternately. */
  function steadyLoad(o: { onlyMe?: boolean; retryReusedReset?: boolean } = {}) {
    return startLoad({
      port: nginxPort,
      clients: 20,
      retryReusedReset: o.retryReusedReset,
      next: (client, n) =>
        o.onlyMe || (client + n) % 2
          ? { path: '/api/v1/auth/me', headers: { cookie: admin.cookie } }
          : { path: '/api/v1/health/ready' },
    });
  }
  const brief = (s: LoadSummary) => ({
    requests: s.total,
    byStatus: s.byStatus,
    errors: s.errors,
    clientRetries: s.clientRetries,
    rps: s.rps,
    p50ms: s.p50,
    p99ms: s.p99,
  });

  /** Which node served each sample, by phase (the sample's end time against the given marks). */
  async function servedBy(s: LoadSummary, marks: [string, number][]) {
    const rids = s.samples.map((x) => x.requestId).filter((r): r is string => !!r);
    const where = await nodesOf(rids);
    const byRid = new Map(rids.map((r, i) => [r, where[i]]));
    const out: Record<string, Record<string, number>> = {};
    for (const x of s.samples) {
      const phase = marks.find(([, until]) => x.at < until)?.[0] ?? 'after';
      const n = String(byRid.get(x.requestId ?? '') ?? 'unknown');
      out[phase] = { ...out[phase], [n]: (out[phase]?.[n] ?? 0) + 1 };
    }
    return out;
  }

  it('(8) capacity figures: a signed-in read through NGINX, two nodes against one (printed, not asserted)', async () => {
    const runs: { nodes: number; rps: number; p50ms: number; p99ms: number }[] = [];
    for (let i = 0; i < CAPACITY_RUNS; i++) {
      // Alternate which goes first, so neither always runs on a warmer machine.
      for (const both of i % 2 ? [false, true] : [true, false]) {
        await nginxUpstream({ a: both ? 'up' : 'down', b: 'up' });
        const warm = steadyLoad({ onlyMe: true });
        await sleep(1000);
        await warm.stop();
        const load = steadyLoad({ onlyMe: true });
        await sleep(CAPACITY_SECONDS * 1000);
        const s = await load.stop();
        expect(s.errors).toEqual({});
        expect(s.ok2xx).toBe(s.total);
        runs.push({ nodes: both ? 2 : 1, rps: s.rps, p50ms: s.p50, p99ms: s.p99 });
      }
    }
    await nginxUpstream({ a: 'up', b: 'up' });
    report.capacity = { clients: 20, seconds: CAPACITY_SECONDS, path: '/api/v1/auth/me', runs };
  });

  it('(9) node A drained (marked down, NGINX reloaded), then stopped, under steady load: no request fails', async () => {
    // The load's clients retry, as browsers do, a request whose kept-alive connection to NGINX was
    // reset as it went out: `nginx -s reload` retires the old workers, which close idle connections.
    const load = steadyLoad({ retryReusedReset: true });
    await sleep(1500);
    const drainAt = Date.now();
    await nginxUpstream({ a: 'down', b: 'up' });
    await sleep(500);
    const killAt = Date.now();
    const killed = await nodes.a.pm2.run(['kill'], 60_000);
    const goneAt = Date.now();
    nodes.a.killed = true;
    expect(killed.code, killed.stderr).toBe(0);
    await sleep(1500);
    const s = await load.stop();
    const served = await servedBy(s, [
      ['beforeDrain', drainAt],
      ['draining', killAt],
      ['stopping', goneAt],
    ]);
    report.drain = { ...brief(s), stopMs: goneAt - killAt, servedBy: served };
    expect(nsPids(nodes.a.net.ns)).toEqual([]);
    expect(s.errors).toEqual({});
    expect(s.byStatus).toEqual({ 200: s.total });
    expect(served.beforeDrain?.a).toBeGreaterThan(0);
    expect(served.after?.a ?? 0).toBe(0);
    expect(served.after?.b).toBeGreaterThan(0);
  });

  // Opt-in (OSLRS_TWO_NODE_UNPLANNED=1), figures only: what clients see when a node is stopped without a drain.
  it.runIf(process.env.OSLRS_TWO_NODE_UNPLANNED)(
    '(10) node A stopped without a drain (graceful PM2 stop) under steady load: what clients see',
    async () => {
      // Node A comes back after test 9 (and NGINX, reloaded, sends it requests again).
      const started = await nodes.a.pm2.run(['start', ecosystemFile]);
      expect(started.code, started.stderr).toBe(0);
      nodes.a.killed = false;
      await waitOnline(nodes.a);
      expect((await direct('a', '/api/v1/health/ready')).status).toBe(200);
      await nginxUpstream({ a: 'up', b: 'up' });

      const load = steadyLoad();
      await sleep(1500);
      const killAt = Date.now();
      const killed = await nodes.a.pm2.run(['kill'], 60_000);
      const goneAt = Date.now();
      nodes.a.killed = true;
      expect(killed.code, killed.stderr).toBe(0);
      await sleep(1500);
      const s = await load.stop();
      const served = await servedBy(s, [
        ['beforeStop', killAt],
        ['stopping', goneAt],
      ]);
      report.stopWithoutDrain = { ...brief(s), stopMs: goneAt - killAt, servedBy: served };
      // Not asserted: in a measured run one request in 2,245 hung past the client's 10 s (PM2's cluster
      // master handing a connection to a worker that was closing; RUNBOOK.md). Drain first (test 9).
      expect(nsPids(nodes.a.net.ns)).toEqual([]);
      expect(served.after?.b).toBeGreaterThan(0);
    },
  );
});

if (unavailable) console.log(`two-node stack test skipped: ${unavailable}`);
