/**
 * The ingest job's linger (INGEST_LINGER_MS): under a trickle of small requests, a drain that starts
 * with nothing behind it waits a little, and the jobs of the requests that arrive meanwhile only ask
 * it to drain once more — so their submissions are settled in one claim, not one claim each. No worker
 * runs in this process: the test delivers each request's job itself (`drainJob()`, as the queue would).
 */
import { isNull } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { submissionOutbox } from '../../db/schema/index.js';
import type { Session } from '../../../test/harness.js';
import {
  masterAnswers,
  publishForm,
  submissionBody,
  submissionRow,
  submitBatch,
  type Published,
} from '../../../test/testkit.js';
import { useTestApp } from '../../../test/use-test-app.js';

// A long linger, so that the requests below are all sent while the first job lingers.
const app = useTestApp({ worker: false, env: { INGEST_BATCH: '50', INGEST_LINGER_MS: '2000' } });
let master: Published;
let enumerator: Session;
beforeAll(async () => {
  master = await publishForm(app.t, app.admin);
  enumerator = await app.as('enumerator', { lgaCode: 'ibadan_north' });
});

const pending = async () =>
  (await app.t.database.db.select().from(submissionOutbox).where(isNull(submissionOutbox.doneAt))).length;

describe('ingestion under a trickle (linger)', () => {
  it('the submissions of requests sent while a drain lingers are settled in one claim, every one of them', async () => {
    const ingestion = app.t.services.ingestion;
    const claims = ingestion.claims;
    // The first request's job starts a drain, which lingers.
    const first = [submissionBody(master.versionId, { answers: masterAnswers() })];
    expect((await submitBatch(app.t, enumerator, first)).statusCode).toBe(200);
    let drained = false;
    const draining = ingestion.drainJob().then(() => (drained = true));
    // The next requests (an enumerator's few forms, a single one) arrive meanwhile; their jobs return at
    // once, leaving their submissions to the lingering drain.
    const later = [
      [submissionBody(master.versionId, { answers: masterAnswers() })],
      [1, 2, 3].map(() => submissionBody(master.versionId, { answers: masterAnswers() })),
      [submissionBody(master.versionId, { answers: masterAnswers() })],
    ];
    for (const bodies of later) {
      expect((await submitBatch(app.t, enumerator, bodies)).statusCode).toBe(200);
      await ingestion.drainJob();
      expect(drained).toBe(false);
    }
    expect(await pending()).toBe(6);
    await draining;
    expect(ingestion.claims).toBe(claims + 1);
    const rows = await Promise.all([first, ...later].flat().map((b) => submissionRow(app.t, b.id)));
    expect(rows.map((r) => r!.status)).toEqual(new Array(6).fill('ingested'));
    expect(await pending()).toBe(0);
  });

  it('a job that arrives while a drain runs is not lost: the drain claims once more before it stops', async () => {
    const ingestion = app.t.services.ingestion;
    const before = [submissionBody(master.versionId, { answers: masterAnswers() })];
    expect((await submitBatch(app.t, enumerator, before)).statusCode).toBe(200);
    const draining = ingestion.drainJob();
    // However far the first drain has got (lingering, claiming, settling), this request's job leaves its
    // submission to it, and it is settled before that drain stops — never left for the relay.
    const after = [submissionBody(master.versionId, { answers: masterAnswers() })];
    expect((await submitBatch(app.t, enumerator, after)).statusCode).toBe(200);
    await ingestion.drainJob();
    await draining;
    const rows = await Promise.all([...before, ...after].map((b) => submissionRow(app.t, b.id)));
    expect(rows.map((r) => r!.status)).toEqual(['ingested', 'ingested']);
    expect(await pending()).toBe(0);
  });
});
