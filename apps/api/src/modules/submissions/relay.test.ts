/**
 * The outbox relay against the real BullMQ queue: a submission whose job failed for good, or whose
 * job is held "active" by a worker that died, is delivered again; one already waiting is not doubled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  TEST_REDIS_URL,
  createUser,
  login,
  startTestApp,
  type Session,
  type TestApp,
} from '../../../test/harness.js';
import { publishForm, settled, submissionBody, submissionRow, submit, type Published } from '../../../test/testkit.js';

let t: TestApp;
let enumerator: Session;
let master: Published;
let connection: Redis;
let queue: Queue;

beforeAll(async () => {
  // No worker in this process until the test says so: the queue states are set up by hand first.
  t = await startTestApp({ worker: false });
  const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  master = await publishForm(t, admin);
  const u = await createUser(t, 'enumerator');
  enumerator = await login(t.app, u.email, u.password);
  connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue('oslrs-jobs', { connection, prefix: `${t.redisPrefix}bull` });
});
afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
  await t?.close();
});

describe('outbox relay', () => {
  it('re-delivers a job that failed for good and one held by a dead worker; leaves a waiting one alone', async () => {
    const failed = submissionBody(master.versionId);
    const orphaned = submissionBody(master.versionId);
    for (const body of [failed, orphaned]) expect((await submit(t, enumerator, body)).statusCode).toBe(202);
    expect(await queue.getJobState(failed.id)).toBe('waiting');

    // A "worker" takes both jobs, fails one for good and dies holding the other (its lock lasts 30 s).
    const dying = new Worker('oslrs-jobs', null, {
      connection: connection.duplicate(),
      prefix: `${t.redisPrefix}bull`,
      autorun: false,
    });
    const token = 'dead-worker-token';
    const taken = [await dying.getNextJob(token), await dying.getNextJob(token)];
    const byId = new Map(taken.map((j) => [j!.id, j!]));
    const job = byId.get(failed.id)!;
    // Failed for good (as after its last attempt): it stays in the failed set under its id.
    await job.moveToFailed(new UnrecoverableError('database unreachable'), token);
    expect(await queue.getJobState(failed.id)).toBe('failed');
    expect(await queue.getJobState(orphaned.id)).toBe('active');

    // A third submission is simply waiting: the relay must not add another job for it.
    const waiting = submissionBody(master.versionId);
    expect((await submit(t, enumerator, waiting)).statusCode).toBe(202);
    const waitingBefore = await queue.getWaitingCount();

    const relayed = await t.services.submissions.requeuePending(0);
    expect(relayed).toBe(3);
    expect(await queue.getJobState(failed.id)).toBe('waiting');
    // The orphaned job stays active (BullMQ would notice only after its lock expires); a second delivery waits.
    expect(await queue.getJobState(orphaned.id)).toBe('active');
    expect(await queue.getWaitingCount()).toBe(waitingBefore + 2);

    t.services.jobs.startWorker(60_000);
    const rows = await settled(t, [failed.id, orphaned.id, waiting.id], 15_000);
    expect(rows.map((r) => r.status)).toEqual(['ingested', 'ingested', 'ingested']);
    expect(new Set(rows.map((r) => r.respondentId)).size).toBe(3);

    // A second relay round finds nothing left to do; a late duplicate delivery changes nothing.
    expect(await t.services.submissions.requeuePending(0)).toBe(0);
    const before = await submissionRow(t, orphaned.id);
    expect(await t.services.ingestion.ingest(orphaned.id)).toEqual({ status: 'skipped' });
    expect(await submissionRow(t, orphaned.id)).toEqual(before);
    await dying.close(true);
  });
});
