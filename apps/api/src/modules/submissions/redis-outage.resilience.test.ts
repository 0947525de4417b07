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
import { publishForm, settled, submissionBody, submit, submitBatch, type Published } from '../../../test/testkit.js';

/** A private redis-server on a free port (never the shared 6379), killed with SIGKILL to simulate a crash. */
class PrivateRedis {
  private child: ChildProcess | undefined;
  private exited: Promise<unknown> | undefined;
  constructor(readonly port: number) {}
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start() {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    this.exited = new Promise((done) => child.once('exit', done));
    running.add(child);
    void this.exited.then(() => running.delete(child));
    const probe = new Redis(this.port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    try {
      await waitFor(async () => {
        if (child.exitCode !== null) throw new Error(`redis-server on port ${this.port} exited with ${child.exitCode}`);
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
  async kill() {
    if (!this.child) return;
    this.child.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }
}
const running = new Set<ChildProcess>();
// Never leave a redis-server behind, even when the run is interrupted.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

let redis: PrivateRedis;
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

beforeAll(async () => {
  redis = new PrivateRedis(await freePort());
  await redis.start();
  t = await startTestApp({ env: { REDIS_URL: redis.url, RELAY_INTERVAL_MS: '500', OUTBOX_STALE_MS: '500' } });
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  master = await publishForm(t, admin);
  const u = await createUser(t, 'enumerator');
  enumerator = await login(t.app, u.email, u.password);
});
afterAll(async () => {
  await t?.close();
  await redis?.kill();
});

describe('Redis stopped during intake', () => {
  it(
    'intake keeps answering 202 quickly; after Redis returns every submission is ingested exactly once',
    { timeout: 60_000 },
    async () => {
      // Warm: one submission ingested while Redis is up.
      const warm = submissionBody(master.versionId);
      expect((await submit(t, enumerator, warm)).statusCode).toBe(202);
      await settled(t, [warm.id]);

      await redis.kill();

      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const body = submissionBody(master.versionId);
        const res = await submit(t, enumerator, body);
        expect(res.statusCode, res.body).toBe(202);
        expect(res.json()).toMatchObject({ id: body.id, status: 'received' });
        ids.push(body.id);
      }
      const batch = Array.from({ length: 10 }, () => submissionBody(master.versionId));
      const batchRes = await submitBatch(t, enumerator, batch);
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

      // Intake does not depend on Redis: the raw submission and its outbox row are in PostgreSQL and the
      // relay enqueues it later (how long intake takes without Redis is a benchmark's business, not a test's).

      const stored = await t.database.db.select().from(submissions).where(inArray(submissions.id, ids));
      expect(stored).toHaveLength(ids.length);
      expect(stored.every((s) => s.status === 'received')).toBe(true);
      const outbox = await t.database.db
        .select()
        .from(submissionOutbox)
        .where(inArray(submissionOutbox.submissionId, ids));
      expect(outbox).toHaveLength(ids.length);

      await redis.start();
      const rows = await settled(t, ids, 30_000);
      expect(rows.map((r) => r.status)).toEqual(Array(ids.length).fill('ingested'));
      expect(new Set(rows.map((r) => r.respondentId)).size).toBe(ids.length);
      const rs = await t.database.db.select().from(respondents).where(inArray(respondents.firstSubmissionId, ids));
      expect(rs).toHaveLength(ids.length);
      const [audits] = await t.database.db
        .select({ n: count() })
        .from(auditLog)
        .where(
          and(
            eq(auditLog.action, 'respondent.created'),
            inArray(
              auditLog.requestId,
              ids.map((id) => `submission:${id}`),
            ),
          ),
        );
      expect(audits!.n).toBe(ids.length);
      const [pending] = await t.database.db
        .select({ n: count() })
        .from(submissionOutbox)
        .where(isNull(submissionOutbox.doneAt));
      expect(pending!.n).toBe(0);

      // And the app is healthy again.
      await waitFor(
        async () => (await t.app.inject({ method: 'GET', url: '/api/v1/health/ready' })).statusCode === 200,
        10_000,
      );
      const after = submissionBody(master.versionId);
      expect((await submit(t, enumerator, after)).statusCode).toBe(202);
      expect((await settled(t, [after.id]))[0]!.status).toBe('ingested');
    },
  );

  it('a signed-in user can still read while Redis is down', { timeout: 30_000 }, async () => {
    await redis.kill();
    try {
      // (No duration asserted: a busy machine makes timed assertions fail; the behaviour is the answer.)
      const res = await call(t.app, enumerator, { method: 'GET', url: '/api/v1/submissions?limit=5' });
      expect(res.statusCode).toBe(200);
    } finally {
      await redis.start();
    }
  });

  it(
    'an API process started while Redis is down still starts, takes submissions, and they are ingested once Redis is up',
    { timeout: 60_000 },
    async () => {
      // Only the new process may relay: the first one's relay would otherwise pick these rows up too.
      await t.services.jobs.stop();
      const dead = new PrivateRedis(await freePort());
      const bootStarted = Date.now();
      const second = await startTestApp({
        sharedWith: t,
        env: { REDIS_URL: dead.url, RELAY_INTERVAL_MS: '500', OUTBOX_STALE_MS: '500' },
      });
      // The boot time is reported, not asserted (durations belong in benchmarks).
      const bootMs = Date.now() - bootStarted;
      try {
        // Sessions live in PostgreSQL (Redis only caches them): the enumerator's session works here too.
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          const body = submissionBody(master.versionId);
          const res = await submit(second, enumerator, body);
          expect(res.statusCode, res.body).toBe(202);
          ids.push(body.id);
        }
        await dead.start();
        const rows = await settled(second, ids, 30_000);
        expect(rows.map((r) => r.status)).toEqual(['ingested', 'ingested', 'ingested']);
        const [audits] = await t.database.db
          .select({ n: count() })
          .from(auditLog)
          .where(
            and(
              eq(auditLog.action, 'respondent.created'),
              inArray(
                auditLog.requestId,
                ids.map((id) => `submission:${id}`),
              ),
            ),
          );
        expect(audits!.n).toBe(3);
        console.info(`redis-outage: API booted with Redis down in ${bootMs} ms`);
      } finally {
        await second.close();
        await dead.kill();
      }
    },
  );
});
