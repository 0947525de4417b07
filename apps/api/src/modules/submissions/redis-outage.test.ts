/**
 * Redis dies while surveys keep arriving: intake must still answer quickly (the raw submission and
 * its outbox row are in PostgreSQL), and once Redis is back every submission is ingested exactly once.
 * Uses a private redis-server on a free port; the shared one on 6379 is never touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { auditLog, respondents, submissionOutbox, submissions } from '../../db/schema/index.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  call,
  createUser,
  login,
  startTestApp,
  waitFor,
  type Session,
  type TestApp,
} from '../../../test/harness.js';
import { publishForm, settled, submissionBody, submit, submitBatch, type Published } from './testkit.js';

let port: number;
let server: { child: ChildProcess; exited: Promise<unknown> } | undefined;
let t: TestApp;
let admin: Session;
let enumerator: Session;
let master: Published;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port: p } = s.address() as { port: number };
      s.close(() => resolve(p));
    });
  });
}

async function startRedis() {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: 'ignore',
  });
  const exited = new Promise((done) => child.once('exit', done));
  server = { child, exited };
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await waitFor(async () => {
      try {
        if (probe.status !== 'ready') await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        probe.disconnect();
        return false;
      }
    }, 10_000);
  } finally {
    probe.disconnect();
  }
}

async function stopRedis() {
  if (!server) return;
  server.child.kill('SIGKILL');
  await server.exited;
  server = undefined;
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  t = await startTestApp({
    env: { REDIS_URL: `redis://127.0.0.1:${port}`, RELAY_INTERVAL_MS: '500', OUTBOX_STALE_MS: '500' },
  });
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  master = await publishForm(t, admin);
  const u = await createUser(t, 'enumerator');
  enumerator = await login(t.app, u.email, u.password);
});
afterAll(async () => {
  await t?.close();
  await stopRedis();
});

describe('Redis stopped during intake', () => {
  it('intake keeps answering 202 quickly; after Redis returns every submission is ingested exactly once', { timeout: 60_000 }, async () => {
    // Warm: one submission ingested while Redis is up.
    const warm = submissionBody(master.versionId);
    expect((await submit(t, enumerator, warm)).statusCode).toBe(202);
    await settled(t, [warm.id]);

    await stopRedis();

    const ids: string[] = [];
    const timings: number[] = [];
    for (let i = 0; i < 4; i++) {
      const body = submissionBody(master.versionId);
      const startedAt = Date.now();
      const res = await submit(t, enumerator, body);
      timings.push(Date.now() - startedAt);
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json()).toMatchObject({ id: body.id, status: 'received' });
      ids.push(body.id);
    }
    const batch = Array.from({ length: 10 }, () => submissionBody(master.versionId));
    const batchStarted = Date.now();
    const batchRes = await submitBatch(t, enumerator, batch);
    const batchMs = Date.now() - batchStarted;
    expect(batchRes.statusCode, batchRes.body).toBe(200);
    expect(batchRes.json().results.map((r: { status: string }) => r.status)).toEqual(Array(10).fill('received'));
    ids.push(...batch.map((b) => b.id));

    // A replay while Redis is down is still answered from PostgreSQL.
    const replay = await submit(t, enumerator, batch[0]);
    expect(replay.statusCode).toBe(200);
    // Readiness tells the truth; the cheap health check does not depend on Redis.
    const ready = await t.app.inject({ method: 'GET', url: '/api/v1/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);

    // Intake never waits long on Redis: each reply well under the device's patience.
    for (const ms of timings) expect(ms).toBeLessThan(2_000);
    expect(batchMs).toBeLessThan(2_000);

    const stored = await t.database.db.select().from(submissions).where(inArray(submissions.id, ids));
    expect(stored).toHaveLength(ids.length);
    expect(stored.every((s) => s.status === 'received')).toBe(true);
    const outbox = await t.database.db.select().from(submissionOutbox).where(inArray(submissionOutbox.submissionId, ids));
    expect(outbox).toHaveLength(ids.length);

    await startRedis();
    const rows = await settled(t, ids, 30_000);
    expect(rows.map((r) => r.status)).toEqual(Array(ids.length).fill('ingested'));
    expect(new Set(rows.map((r) => r.respondentId)).size).toBe(ids.length);
    const rs = await t.database.db.select().from(respondents).where(inArray(respondents.firstSubmissionId, ids));
    expect(rs).toHaveLength(ids.length);
    const [audits] = await t.database.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'respondent.created'), inArray(auditLog.requestId, ids.map((id) => `submission:${id}`))));
    expect(audits!.n).toBe(ids.length);
    const [pending] = await t.database.db.select({ n: count() }).from(submissionOutbox).where(isNull(submissionOutbox.doneAt));
    expect(pending!.n).toBe(0);

    // And the app is healthy again.
    await waitFor(async () => (await t.app.inject({ method: 'GET', url: '/api/v1/health/ready' })).statusCode === 200, 10_000);
    const after = submissionBody(master.versionId);
    expect((await submit(t, enumerator, after)).statusCode).toBe(202);
    expect((await settled(t, [after.id]))[0]!.status).toBe('ingested');
    console.info(`redis-outage: single intakes ${timings.join('/')} ms, batch of 10 ${batchMs} ms`);
  });

  it('a signed-in user can still read while Redis is down', { timeout: 30_000 }, async () => {
    await stopRedis();
    try {
      const started = Date.now();
      const res = await call(t.app, enumerator, { method: 'GET', url: '/api/v1/submissions?limit=5' });
      expect(res.statusCode).toBe(200);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await startRedis();
    }
  });
});
