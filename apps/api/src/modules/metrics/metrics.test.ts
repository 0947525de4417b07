/**
 * /metrics and the super admin's operations alerts, on real PostgreSQL and Redis: who may scrape,
 * what the histogram is labelled with, and the alerts computed from the same signals.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { uuidv7 } from 'uuidv7';
import { users } from '../../db/schema/index.js';
import { RequestDurationHistogram } from '../../infra/metrics.js';
import { BullJobQueue, InProcessJobQueue } from '../../infra/queue.js';
import { createMetrics, instrumentQueue } from '../../infra/metrics.js';
import { serveMetrics } from './http.js';
import { OpsService } from './service.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  TEST_REDIS_URL,
  call,
  login,
  startTestApp,
  waitFor,
  type Session,
  type TestApp,
} from '../../../test/harness.js';

const PROMETHEUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../deploy/prometheus');
/** promtool (Debian's `prometheus` package) checks the rules where it is installed. */
const PROMTOOL = spawnSync('promtool', ['--version']).status === 0;
const TOKEN = 'metrics-token-for-tests-0123456789';
const REMOTE = '203.0.113.7';
const SOME_UUID = '0190a8c4-5c7e-7000-8000-00000000abcd';

let t: TestApp;
let admin: Session;

beforeAll(async () => {
  // No web app: an unknown path answers the API's 404 JSON.
  t = await startTestApp({ env: { METRICS_TOKEN: TOKEN, WEB_DIST: '/nonexistent-web-dist' } });
  // 125 field staff: past the first capacity threshold (120), before anything reads the count.
  await t.database.db.insert(users).values(
    Array.from({ length: 125 }, (_, i) => ({
      id: uuidv7(),
      email: `field.${i}.${randomBytes(3).toString('hex')}@test.oslrs`,
      fullName: `Field Person ${i}`,
      role: i % 4 === 0 ? 'supervisor' : 'enumerator',
      status: 'active',
      lgaCode: 'ibadan_north',
    })),
  );
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
});
afterAll(async () => {
  await t?.close();
});

describe('GET /metrics', () => {
  it('gives loopback the Prometheus text with the request histogram by route pattern', async () => {
    const staff = await call(t.app, admin, { method: 'GET', url: `/api/v1/staff/${SOME_UUID}` });
    expect(staff.statusCode).toBe(404);
    await call(t.app, admin, { method: 'GET', url: '/api/v1/staff?page=1' });
    await t.app.inject({ method: 'HEAD', url: '/api/v1/health' });

    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = res.body;
    const labels = 'method="GET",route="/api/v1/staff/:id",status_class="4xx"';
    expect(body).toContain('# TYPE oslrs_http_request_duration_seconds histogram');
    expect(body).toContain(`oslrs_http_request_duration_seconds_bucket{${labels},le="0.2"} 1`);
    expect(body).toContain(`oslrs_http_request_duration_seconds_bucket{${labels},le="+Inf"} 1`);
    expect(body).toContain(`oslrs_http_request_duration_seconds_count{${labels}} 1`);
    expect(body).toMatch(/oslrs_http_request_duration_seconds_sum\{method="GET",route="\/api\/v1\/staff\/:id"/);
    expect(body).toContain('oslrs_http_request_duration_seconds_count{method="GET",route="/api/v1/staff"');
    // A HEAD request is counted once, as HEAD (Fastify's automatic HEAD route has its own counters).
    expect(body).toContain(
      'oslrs_http_request_duration_seconds_count{method="HEAD",route="/api/v1/health",status_class="2xx"} 1',
    );
    expect(body).not.toContain('method="GET",route="/api/v1/health"');
    // The pattern, never the raw URL (ids, query strings).
    expect(body).not.toContain(SOME_UUID);
    expect(body).not.toContain('page=1');
    // Default metrics under our prefix, the pool, the queue, the field staff.
    expect(body).toMatch(/^oslrs_nodejs_eventloop_lag_seconds \d/m);
    expect(body).toMatch(/^oslrs_process_resident_memory_bytes \d/m);
    expect(body).toMatch(/^oslrs_db_pool_size \d/m);
    expect(body).toMatch(/^oslrs_db_pool_idle \d/m);
    expect(body).toMatch(/^oslrs_db_pool_waiting 0/m);
    expect(body).toMatch(/^oslrs_queue_jobs\{state="waiting"\} \d+/m);
    expect(body).toMatch(/^oslrs_queue_jobs\{state="failed"\} \d+/m);
    expect(body).toMatch(/^oslrs_queue_up 1/m);
    expect(body).toMatch(/^oslrs_field_staff 125$/m);
    // /metrics itself is not timed, nor listed in the API docs.
    expect(body).not.toContain('route="/metrics"');
    const spec = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as { paths: object };
    expect(Object.keys(spec.paths)).not.toContain('/metrics');
  });

  it('answers anyone else exactly as an unknown path, unless they hold the token', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/metricz', remoteAddress: REMOTE });
    const refused = [
      await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: REMOTE }),
      await t.app.inject({
        method: 'GET',
        url: '/metrics',
        remoteAddress: REMOTE,
        headers: { authorization: `Bearer ${TOKEN}x` },
      }),
      await t.app.inject({
        method: 'GET',
        url: '/metrics',
        remoteAddress: REMOTE,
        headers: { authorization: TOKEN },
      }),
      // Loopback, but forwarded by the proxy on this machine: someone else's request.
      await t.app.inject({ method: 'GET', url: '/metrics', headers: { 'x-forwarded-for': REMOTE } }),
    ];
    for (const res of refused) {
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for GET /metrics' } });
      expect(res.body).not.toContain('oslrs_');
    }
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');

    const allowed = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: REMOTE,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toContain('oslrs_http_request_duration_seconds_bucket');
  });
});

describe('the standalone listener (job worker, PM2 cluster workers)', () => {
  it('serves loopback, refuses a remote caller without the token with a 404', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    const server = await serveMetrics({
      registry: t.runtime.metrics.registry,
      token: TOKEN,
      host: external ? '0.0.0.0' : '127.0.0.1',
      port: 0,
    });
    try {
      const local = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(local.status).toBe(200);
      expect(await local.text()).toContain('oslrs_queue_jobs');
      const other = await fetch(`http://127.0.0.1:${server.port}/other`);
      expect(other.status).toBe(404);
      if (external) {
        // Connecting to this machine's own external address makes the caller non-loopback.
        const remote = await fetch(`http://${external}:${server.port}/metrics`);
        expect(remote.status).toBe(404);
        expect(await remote.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for GET /metrics' } });
        const withToken = await fetch(`http://${external}:${server.port}/metrics`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        expect(withToken.status).toBe(200);
      }
    } finally {
      await server.close();
    }
  });
});

describe('GET /api/v1/ops/alerts', () => {
  it('is for the super admin only', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/ops/alerts' })).statusCode).toBe(401);
  });

  it('reports the field staff threshold passed', async () => {
    const res = await call(t.app, admin, { method: 'GET', url: '/api/v1/ops/alerts' });
    expect(res.statusCode).toBe(200);
    const { alerts } = res.json() as { alerts: { code: string; value: number; threshold: number }[] };
    expect(alerts).toContainEqual(
      expect.objectContaining({ code: 'FIELD_STAFF_ABOVE_120', severity: 'info', value: 125, threshold: 120 }),
    );
    expect(alerts.map((a) => a.code)).not.toContain('QUEUE_UNAVAILABLE');
  });
});

describe('alert signals', () => {
  const fakeStaff = (n: number) => ({
    summary: async () => ({ fieldStaff: n, byRole: {}, byStatus: {}, fieldStaffThresholdPassed: null }),
  });

  it('computes memory, p95, backlog, failures and staff alerts from the signals', async () => {
    let now = 1_000_000;
    const queue = new InProcessJobQueue(() => {});
    const metrics = createMetrics({ database: t.database, queue });
    const ops = new OpsService(
      metrics,
      instrumentQueue(queue, metrics),
      fakeStaff(181),
      { total: () => 4096 * 2 ** 20, free: () => 600 * 2 ** 20, rss: () => 300 * 2 ** 20 },
      () => now,
    );
    const slow = metrics.http.series('GET', '/api/v1/staff');
    for (let i = 0; i < 90; i++) metrics.http.observe(slow, 200, 0.03);
    for (let i = 0; i < 10; i++) metrics.http.observe(slow, 200, 0.8);

    const alerts = await ops.alerts();
    const byCode = Object.fromEntries(alerts.map((a) => [a.code, a]));
    expect(byCode.MEMORY_HIGH).toMatchObject({ severity: 'warning', threshold: 80, unit: '%' });
    expect(byCode.MEMORY_HIGH!.value).toBeCloseTo(85.4, 1);
    expect(byCode.API_P95_HIGH).toMatchObject({ threshold: 200, unit: 'ms' });
    expect(byCode.API_P95_HIGH!.value).toBeGreaterThan(500);
    expect(byCode.FIELD_STAFF_ABOVE_180).toMatchObject({ severity: 'warning', value: 181, threshold: 180 });
    // The numbers a page words the alert with (staff.admin.ops.alert.<code>), beside the English message.
    expect(byCode.FIELD_STAFF_ABOVE_180!.params).toEqual({ count: 181, threshold: 180 });
    expect(byCode.MEMORY_HIGH!.params).toEqual({ used: '85.4', free: 600, total: 4096, rss: 300, threshold: 80 });
    expect(byCode.API_P95_HIGH!.params).toMatchObject({
      ms: byCode.API_P95_HIGH!.value,
      requests: 100,
      threshold: 200,
    });
    expect(byCode.FIELD_STAFF_ABOVE_120).toBeUndefined();
    expect(byCode.JOB_FAILURES).toBeUndefined();
    expect(alerts.every((a) => a.severity === 'warning')).toBe(true);

    // The staff count is read at most once a minute.
    now += 30_000;
    expect(await ops.fieldStaff()).toBe(181);
  });

  it('counts job runs by outcome and reports jobs that failed for good', async () => {
    const queue = new InProcessJobQueue(() => {});
    const metrics = createMetrics({ database: t.database, queue });
    const instrumented = instrumentQueue(queue, metrics);
    instrumented.startWorker(async (type, id) => {
      if (id === 'bad') throw new Error('broken');
    });
    await instrumented.enqueue('ingest', 'good');
    await instrumented.enqueue('ingest', 'bad');
    await waitFor(async () => (await queue.counts()).failed === 1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('oslrs_jobs_completed_total{type="ingest"} 1');
    expect(text).toContain('oslrs_jobs_failed_total{type="ingest"} 1');
    const ops = new OpsService(metrics, instrumented, fakeStaff(10), {
      total: () => 100,
      free: () => 90,
      rss: () => 1,
    });
    const alerts = await ops.alerts();
    expect(alerts).toEqual([
      expect.objectContaining({ code: 'JOB_FAILURES', value: 1, threshold: 0, params: { count: 1 } }),
    ]);
    await queue.close();
  });

  it('reads BullMQ counts by state and recent failures from Redis', async () => {
    const prefix = `${t.redisPrefix}mq`;
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new BullJobQueue(connection, prefix, () => {});
    // A job with one attempt and a worker that throws: failed for good at once.
    const raw = new Queue('oslrs-jobs', { connection, prefix });
    const worker = new Worker(
      'oslrs-jobs',
      async () => {
        throw new Error('broken');
      },
      { connection: connection.duplicate(), prefix },
    );
    try {
      await raw.add('ingest', { jobId: 'x' }, { jobId: 'x', attempts: 1 });
      await waitFor(async () => (await queue.counts()).failed === 1);
      expect(await queue.recentFailures(60_000)).toBe(1);
      expect(await queue.recentFailures(1)).toBe(0);
      await worker.close();
      await queue.enqueueMany('ingest', ['a', 'b', 'c']);
      expect(await queue.counts()).toMatchObject({ waiting: 3, failed: 1 });
    } finally {
      await worker.close();
      await raw.obliterate({ force: true });
      await raw.close();
      await queue.close();
      connection.disconnect();
    }
  });

  it('interpolates the rolling p95 like histogram_quantile and forgets requests after five minutes', () => {
    let now = 0;
    const h = new RequestDurationHistogram(() => now);
    const api = h.series('GET', '/api/v1/staff');
    const docs = h.series('GET', '/api/docs');
    for (let i = 0; i < 100; i++) h.observe(api, 200, 0.15); // all in (0.1, 0.2]
    for (let i = 0; i < 100; i++) h.observe(docs, 200, 9); // not an API route: not in the window
    expect(h.recentQuantile(0.5)!.seconds).toBeCloseTo(0.15, 5);
    expect(h.recentQuantile(0.95)!.seconds).toBeCloseTo(0.195, 5);
    expect(h.recentQuantile(0.95, 101)).toBeNull();
    now += 4 * 60_000;
    expect(h.recentQuantile(0.95)!.count).toBe(100);
    now += 2 * 60_000;
    expect(h.recentQuantile(0.95)).toBeNull();
    h.observe(api, 503, 20);
    expect(h.recentQuantile(0.95)!.seconds).toBe(10);
  });
});

describe('deploy/prometheus', () => {
  it('alerts only on metrics this app exports', async () => {
    const rules = readFileSync(resolve(PROMETHEUS_DIR, 'alerts.yml'), 'utf8');
    const names = new Set(
      [...rules.matchAll(/\b(oslrs_[a-z][a-z0-9_]*)/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, '')),
    );
    // The backup's own metrics come from node_exporter's textfile collector, not from /metrics.
    for (const name of names) if (name.startsWith('oslrs_backup_')) names.delete(name);
    expect(names.size).toBeGreaterThanOrEqual(7);
    const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const name of names) expect(body, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
  });

  it.skipIf(!PROMTOOL)('passes promtool: rules, rule unit tests, config, and the exposition format', async () => {
    const run = (args: string[], input?: string) =>
      spawnSync('promtool', args, { cwd: PROMETHEUS_DIR, input, encoding: 'utf8' });
    for (const args of [
      ['check', 'rules', 'alerts.yml'],
      ['test', 'rules', 'alerts.test.yml'],
      ['check', 'config', 'prometheus.yml'],
    ]) {
      const ran = run(args);
      expect(ran.status, `promtool ${args.join(' ')}\n${ran.stdout}${ran.stderr}`).toBe(0);
    }
    const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const lint = run(['check', 'metrics'], body);
    // prom-client's own nodejs_active_*_total gauges are named against the convention; ours are not.
    const problems = `${lint.stdout}${lint.stderr}`
      .split('\n')
      .filter((l) => l.trim() && !/^oslrs_nodejs_active_\w+_total /.test(l));
    expect(problems).toEqual([]);
  });
});
