/**
 * The outbox relay against the real BullMQ queue: a submission whose job failed for good, or whose
 * job is held "active" by a worker that died, is delivered again; one already waiting is not doubled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'drizzle-orm';
import { TEST_REDIS_URL, type Session } from '../../../test/harness.js';
import { publishForm, settled, submissionBody, submissionRow, submit, type Published } from '../../../test/testkit.js';
import { useTestApp } from '../../../test/use-test-app.js';

// No worker in this process until the test says so: the queue states are set up by hand first.
const app = useTestApp({ worker: false });
let enumerator: Session;
let master: Published;
let connection: Redis;
let queue: Queue;

beforeAll(async () => {
  master = await publishForm(app.t, app.admin);
  enumerator = await app.as('enumerator');
  connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue('oslrs-jobs', { connection, prefix: `${app.t.redisPrefix}bull` });
});
afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
});

describe('outbox relay', () => {
  it('re-delivers a job that failed for good and one held by a dead worker; leaves a waiting one alone', async () => {
    const failed = submissionBody(master.versionId);
    const orphaned = submissionBody(master.versionId);
    for (const body of [failed, orphaned]) expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
    expect(await queue.getJobState(failed.id)).toBe('waiting');

    // A "worker" takes both jobs, fails one for good and dies holding the other (its lock lasts 30 s).
    const dying = new Worker('oslrs-jobs', null, {
      connection: connection.duplicate(),
      prefix: `${app.t.redisPrefix}bull`,
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
    expect((await submit(app.t, enumerator, waiting)).statusCode).toBe(202);
    const waitingBefore = await queue.getWaitingCount();

    const relayed = await app.t.services.submissions.requeuePending(0);
    expect(relayed).toBe(3);
    expect(await queue.getJobState(failed.id)).toBe('waiting');
    // The orphaned job stays active (BullMQ would notice only after its lock expires); a second delivery waits.
    expect(await queue.getJobState(orphaned.id)).toBe('active');
    expect(await queue.getWaitingCount()).toBe(waitingBefore + 2);

    app.t.services.jobs.startWorker(60_000);
    const rows = await settled(app.t, [failed.id, orphaned.id, waiting.id], 15_000);
    expect(rows.map((r) => r.status)).toEqual(['ingested', 'ingested', 'ingested']);
    expect(new Set(rows.map((r) => r.respondentId)).size).toBe(3);

    // A second relay round finds nothing left to do; a late duplicate delivery changes nothing.
    expect(await app.t.services.submissions.requeuePending(0)).toBe(0);
    const before = await submissionRow(app.t, orphaned.id);
    expect(await app.t.services.ingestion.ingest(orphaned.id)).toEqual({ status: 'skipped' });
    expect(await submissionRow(app.t, orphaned.id)).toEqual(before);
    await dying.close(true);
  });

  it('deletes outbox rows done longer ago than they are kept, never a pending one; a late delivery still skips', async () => {
    const bodies = [0, 1, 2].map(() => submissionBody(master.versionId));
    for (const body of bodies) expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
    // Ingested here (the first test's worker, when it ran, may take them first: then these skip).
    for (const body of bodies) await app.t.services.ingestion.ingest(body.id);
    await settled(
      app.t,
      bodies.map((b) => b.id),
      15_000,
    );
    const [old, recent, stuck] = bodies.map((b) => b.id);
    const db = app.t.database.db;
    const day = 86_400_000;
    // Done 8 days ago, done just now, and one never done although created 30 days ago (a lost delivery).
    await db.execute(
      sql`update submission_outbox set done_at = now() - interval '8 days' where submission_id = ${old}`,
    );
    await db.execute(
      sql`update submission_outbox set done_at = null, created_at = now() - interval '30 days' where submission_id = ${stuck}`,
    );
    const kept = async () =>
      (
        (await db.execute(sql`select submission_id as id from submission_outbox`)) as { rows: { id: string }[] }
      ).rows.map((r) => r.id);
    const before = await kept();
    expect(before).toEqual(expect.arrayContaining([old, recent, stuck]));

    expect(await app.t.services.submissions.purgeDoneOutbox(7 * day)).toBe(1);
    const after = await kept();
    expect(after).not.toContain(old);
    expect(after).toEqual(expect.arrayContaining([recent, stuck]));
    expect(after.length).toBe(before.length - 1);
    // In batches: with a batch of 1, every done row goes (each its own statement); the pending one stays.
    const done = after.length - 1;
    expect(await app.t.services.submissions.purgeDoneOutbox(0, 1)).toBe(done);
    expect(await kept()).toEqual([stuck]);

    // A delivery arriving after its row was deleted finds the submission ingested and changes nothing.
    const row = await submissionRow(app.t, old!);
    expect(await app.t.services.ingestion.ingest(old!)).toEqual({ status: 'skipped' });
    expect(await submissionRow(app.t, old!)).toEqual(row);
  });
});
