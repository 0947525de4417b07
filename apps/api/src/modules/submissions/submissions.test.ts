import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { auditLog, respondents, submissionOutbox, submissions, users } from '../../db/schema/index.js';
import { createUser, type Session } from '../../../test/harness.js';
import {
  MASTER_FORM,
  counts,
  daytime,
  freshNin,
  masterAnswers,
  publishForm,
  settled,
  submissionBody,
  submissionRow,
  submit,
  submitBatch,
  type Published,
} from '../../../test/testkit.js';
import { signalOf } from '../fraud/index.js';
import { useTestApp } from '../../../test/use-test-app.js';

const app = useTestApp();
let master: Published;
let enumerator: Session;
beforeAll(async () => {
  master = await publishForm(app.t, app.admin);
  enumerator = await app.as('enumerator');
});

/** The standard error body, typed loosely enough for assertions. */
interface ApiError {
  code: string;
  message: string;
  details: { errors: { field: string; code: string; message?: string }[]; [key: string]: unknown };
}
const errorOf = (res: { json(): unknown }) => (res.json() as { error: ApiError }).error;

describe('idempotent intake', () => {
  it('the same id three times gives one submission and one respondent; replays answer 200 with the first result', async () => {
    const body = submissionBody(master.versionId);
    const before = await counts(app.t);
    const first = await submit(app.t, enumerator, body);
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toMatchObject({ id: body.id, status: 'received' });
    expect(first.json().receivedAt).toEqual(expect.any(String));

    const second = await submit(app.t, enumerator, body);
    expect(second.statusCode).toBe(200);
    expect(second.json().id).toBe(body.id);
    expect(['received', 'ingested']).toContain(second.json().status);

    // Key order does not matter: the body is hashed canonically.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const third = await submit(app.t, enumerator, reordered);
    expect(third.statusCode).toBe(200);
    expect(third.json().id).toBe(body.id);

    const [row] = await settled(app.t, [body.id]);
    expect(row!.status).toBe('ingested');
    const fourth = await submit(app.t, enumerator, body);
    expect(fourth.statusCode).toBe(200);
    expect(fourth.json()).toMatchObject({ id: body.id, status: 'ingested', respondentId: row!.respondentId });

    const after = await counts(app.t);
    expect(after).toEqual({
      submissions: before.submissions + 1,
      respondents: before.respondents + 1,
      outbox: before.outbox + 1,
    });
    const rs = await app.t.database.db
      .select()
      .from(respondents)
      .where(eq(respondents.ninHash, app.t.runtime.pii.blindIndex(body.answers.nin as string, 'nin')));
    expect(rs).toHaveLength(1);
  });

  it('the same id with another body, or from another collector, is a 409 and changes nothing', async () => {
    const body = submissionBody(master.versionId);
    expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
    await settled(app.t, [body.id]);
    const before = await counts(app.t);
    const rowBefore = await submissionRow(app.t, body.id);

    const changed = { ...body, answers: { ...body.answers, surname: 'Someone Else' } };
    const conflict = await submit(app.t, enumerator, changed);
    expect(conflict.statusCode).toBe(409);
    expect(errorOf(conflict)).toMatchObject({ code: 'SUBMISSION_CONFLICT', details: { id: body.id } });

    const other = await app.as('enumerator');
    const stolen = await submit(app.t, other, body);
    expect(stolen.statusCode).toBe(409);
    expect(errorOf(stolen).code).toBe('SUBMISSION_CONFLICT');

    expect(await counts(app.t)).toEqual(before);
    expect(await submissionRow(app.t, body.id)).toEqual(rowBefore);
  });

  it('parallel retries of one id store it once', async () => {
    const body = submissionBody(master.versionId);
    const before = await counts(app.t);
    const replies = await Promise.all(Array.from({ length: 8 }, () => submit(app.t, enumerator, body)));
    const codes = replies.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 202)).toHaveLength(1);
    expect(codes.filter((c) => c === 200)).toHaveLength(7);
    expect(new Set(replies.map((r) => r.json().id))).toEqual(new Set([body.id]));
    await settled(app.t, [body.id]);
    const after = await counts(app.t);
    expect(after.submissions - before.submissions).toBe(1);
    expect(after.respondents - before.respondents).toBe(1);
  });
});

describe('channels come from the role', () => {
  it('enumerator → enumerator, clerk → clerk, public_user → public; supervisor and super admin are refused', async () => {
    const clerk = await app.as('data_entry_clerk');
    const resident = await app.publicUser();
    const cases: [Session, string][] = [
      [enumerator, 'enumerator'],
      [clerk, 'clerk'],
      [resident, 'public'],
    ];
    const ids: string[] = [];
    for (const [session] of cases) {
      const body = submissionBody(master.versionId);
      const res = await submit(app.t, session, body);
      expect(res.statusCode, res.body).toBe(202);
      ids.push(body.id);
    }
    const rows = await settled(app.t, ids);
    for (const [i, [session, channel]] of cases.entries()) {
      const row = rows.find((r) => r.id === ids[i])!;
      expect(row).toMatchObject({ channel, submittedBy: session.user.id, status: 'ingested' });
      const [r] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, row.respondentId!));
      expect(r!.source).toBe(channel);
    }

    const before = await counts(app.t);
    for (const role of ['supervisor', 'verification_assessor', 'government_official'] as const) {
      const res = await submit(app.t, await app.as(role), submissionBody(master.versionId));
      expect(res.statusCode).toBe(403);
      expect(errorOf(res).code).toBe('FORBIDDEN');
    }
    const asAdmin = await submit(app.t, app.admin, submissionBody(master.versionId));
    expect(asAdmin.statusCode).toBe(403);
    const batch = await submitBatch(app.t, app.admin, [submissionBody(master.versionId)]);
    expect(batch.statusCode).toBe(403);
    const anonymous = await submit(app.t, null, submissionBody(master.versionId));
    expect(anonymous.statusCode).toBe(401);
    expect(await counts(app.t)).toEqual(before);
  });

  it('a channel in the body is ignored', async () => {
    const body = { ...submissionBody(master.versionId), channel: 'import' };
    const res = await submit(app.t, enumerator, body);
    // Unknown keys are dropped: the channel is never taken from the client.
    expect(res.statusCode).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect(row!.channel).toBe('enumerator');
  });
});

describe('bad input: a clear error, never a 500, nothing written', () => {
  async function refused(session: Session, body: unknown, status: number, code?: string) {
    const before = await counts(app.t);
    const res = await submit(app.t, session, body);
    expect(res.statusCode, res.body).toBe(status);
    if (code) expect(errorOf(res).code).toBe(code);
    expect(await counts(app.t)).toEqual(before);
    return errorOf(res);
  }

  it('an unknown version id is 422 VERSION_UNKNOWN', async () => {
    await refused(enumerator, submissionBody(randomUUID()), 422, 'VERSION_UNKNOWN');
  });

  it('an archived questionnaire is 422 VERSION_ARCHIVED', async () => {
    const old = await publishForm(app.t, app.admin, { ...MASTER_FORM, formId: 'master_to_archive' });
    const archived = await app.call(app.admin, {
      method: 'POST',
      url: `/api/v1/questionnaires/${old.questionnaireId}/archive`,
    });
    expect(archived.statusCode, archived.body).toBe(200);
    await refused(enumerator, submissionBody(old.versionId), 422, 'VERSION_ARCHIVED');
  });

  it('answers breaking constraints or types are 422 ANSWERS_INVALID naming each field', async () => {
    const constraints = await refused(
      enumerator,
      submissionBody(master.versionId, {
        answers: masterAnswers({ household_size: 4, dependents_count: 4, hours_worked: 169 }),
      }),
      422,
      'ANSWERS_INVALID',
    );
    expect(constraints.details.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'dependents_count',
          code: 'CONSTRAINT',
          message: 'Cannot exceed household size',
        }),
        expect.objectContaining({
          field: 'hours_worked',
          code: 'CONSTRAINT',
          message: 'Must be between 0 and 168 hours',
        }),
      ]),
    );
    expect(constraints.details.errors).toHaveLength(2);

    const hours = await refused(
      enumerator,
      submissionBody(master.versionId, { answers: masterAnswers({ hours_worked: 'many' }) }),
      422,
      'ANSWERS_INVALID',
    );
    expect(hours.details.errors).toEqual([{ field: 'hours_worked', code: 'TYPE', message: 'Expected a whole number' }]);
    const dob = await refused(
      enumerator,
      submissionBody(master.versionId, { answers: masterAnswers({ dob: 'yesterday' }) }),
      422,
      'ANSWERS_INVALID',
    );
    expect(dob.details.errors).toEqual([expect.objectContaining({ field: 'dob', code: 'TYPE' })]);
    const both = await refused(
      enumerator,
      submissionBody(master.versionId, {
        answers: masterAnswers({ dob: 'yesterday', household_size: 'five', hours_worked: -1 }),
      }),
      422,
      'ANSWERS_INVALID',
    );
    const fields = (both.details.errors as { field: string; code: string }[]).map((e) => `${e.field}:${e.code}`).sort();
    expect(fields).toEqual(expect.arrayContaining(['dob:TYPE', 'household_size:TYPE']));

    const missing = await refused(
      enumerator,
      submissionBody(master.versionId, { answers: masterAnswers({ surname: undefined }) }),
      422,
      'ANSWERS_INVALID',
    );
    expect(missing.details.errors).toEqual([expect.objectContaining({ field: 'surname', code: 'REQUIRED' })]);

    const unknown = await refused(
      enumerator,
      submissionBody(master.versionId, { answers: masterAnswers({ favourite_colour: 'blue' }) }),
      422,
      'ANSWERS_INVALID',
    );
    expect(unknown.details.errors).toEqual([
      expect.objectContaining({ field: 'favourite_colour', code: 'UNKNOWN_FIELD' }),
    ]);
  });

  it('10,000 answers is 400, a 2 MB answer is 413', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) many[`q${i}`] = 'x';
    await refused(enumerator, submissionBody(master.versionId, { answers: many }), 400, 'VALIDATION_FAILED');

    const huge = submissionBody(master.versionId, {
      answers: masterAnswers({ bio_short: 'x'.repeat(2 * 1024 * 1024) }),
    });
    await refused(enumerator, huge, 413, 'PAYLOAD_TOO_LARGE');
    // Even the batch route (5 MB) refuses a single over-long answer as invalid, not with a 500.
    const before = await counts(app.t);
    const viaBatch = await submitBatch(app.t, enumerator, [
      submissionBody(master.versionId, { answers: masterAnswers({ bio_short: 'x'.repeat(2 * 1024 * 1024) }) }),
    ]);
    expect(viaBatch.statusCode, viaBatch.body.slice(0, 300)).toBe(200);
    expect(viaBatch.json().results[0]).toMatchObject({
      index: 0,
      status: 'error',
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await counts(app.t)).toEqual(before);
  });

  it('GPS out of range, completion in the future and a start after the end are 400', async () => {
    const err = await refused(
      enumerator,
      submissionBody(master.versionId, { gps: { lat: 91, lng: 3.9, accuracy: 5 } }),
      400,
      'VALIDATION_FAILED',
    );
    expect(JSON.stringify(err.details)).toContain('gps.lat');
    await refused(
      enumerator,
      submissionBody(master.versionId, { gps: { lat: 7.4, lng: 181, accuracy: 5 } }),
      400,
      'VALIDATION_FAILED',
    );
    await refused(
      enumerator,
      submissionBody(master.versionId, { gps: { lat: 7.4, lng: 3.9, accuracy: -1 } }),
      400,
      'VALIDATION_FAILED',
    );

    const tomorrow = new Date(Date.now() + 86_400_000);
    const future = await refused(
      enumerator,
      submissionBody(master.versionId, { completedAt: tomorrow }),
      400,
      'VALIDATION_FAILED',
    );
    expect(JSON.stringify(future.details)).toContain('completedAt');

    const backwards = {
      ...submissionBody(master.versionId),
      startedAt: new Date(Date.now() - 60_000).toISOString(),
      completedAt: new Date(Date.now() - 120_000).toISOString(),
    };
    const err2 = await refused(enumerator, backwards, 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(err2.details)).toContain('startedAt');

    await refused(enumerator, { ...submissionBody(master.versionId), id: 'not-a-uuid' }, 400, 'VALIDATION_FAILED');
    await refused(
      enumerator,
      { ...submissionBody(master.versionId), completedAt: 'yesterday' },
      400,
      'VALIDATION_FAILED',
    );
    await refused(
      enumerator,
      { ...submissionBody(master.versionId), answers: { surname: { nested: { deep: true } } } },
      400,
      'VALIDATION_FAILED',
    );
  });

  it('a malformed NIN is 422 NIN_INVALID at intake; a deferred flag with a NIN is 400', async () => {
    for (const nin of ['1234567890', '12345abc901', '11111111111', '123456789012']) {
      const err = await refused(
        enumerator,
        submissionBody(master.versionId, { answers: masterAnswers({ nin }) }),
        422,
        'NIN_INVALID',
      );
      expect(err.details).toEqual({ field: 'nin' });
    }
    await refused(enumerator, submissionBody(master.versionId, { ninDeferred: true }), 400, 'NIN_DEFERRED_WITH_NIN');
    // Without the flag, a missing NIN is a required answer.
    const missing = await refused(
      enumerator,
      submissionBody(master.versionId, { answers: masterAnswers({ nin: undefined }) }),
      422,
      'ANSWERS_INVALID',
    );
    expect(missing.details.errors).toEqual([expect.objectContaining({ field: 'nin', code: 'REQUIRED' })]);
  });

  it('any well-formed 11-digit NIN is accepted, whatever its last digit (no checksum)', async () => {
    const ids: string[] = [];
    const nins = Array.from({ length: 10 }, (_, d) => `5123456780${d}`);
    for (const nin of nins) {
      const body = submissionBody(master.versionId, { answers: masterAnswers({ nin }) });
      const res = await submit(app.t, enumerator, body);
      expect(res.statusCode, `${nin}: ${res.body}`).toBe(202);
      ids.push(body.id);
    }
    const rows = await settled(app.t, ids);
    expect(rows.map((r) => r.status)).toEqual(Array(10).fill('ingested'));
    const rs = await app.t.database.db
      .select({ sealed: respondents.ninSealed })
      .from(respondents)
      .where(
        inArray(
          respondents.ninHash,
          nins.map((n) => app.t.runtime.pii.blindIndex(n, 'nin')),
        ),
      );
    expect(rs.map((r) => app.t.runtime.pii.open(r.sealed!, 'nin')).sort()).toEqual(nins);
  });

  it("a NIN with spaces is well-formed for the registry but still answers to the form's own constraint", async () => {
    const err = await refused(
      enumerator,
      submissionBody(master.versionId, { answers: masterAnswers({ nin: '6123 4567-890' }) }),
      422,
      'ANSWERS_INVALID',
    );
    expect(err.details.errors).toEqual([
      { field: 'nin', code: 'CONSTRAINT', message: 'NIN must be exactly 11 digits' },
    ]);
  });

  it('a batch of 51 is 400 BATCH_TOO_LARGE and stores nothing', async () => {
    const before = await counts(app.t);
    const res = await submitBatch(
      app.t,
      enumerator,
      Array.from({ length: 51 }, () => submissionBody(master.versionId)),
    );
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'BATCH_TOO_LARGE', details: { max: 50, got: 51 } });
    expect(await counts(app.t)).toEqual(before);
    const empty = await submitBatch(app.t, enumerator, []);
    expect(empty.statusCode).toBe(400);
  });

  it('the same id twice in one batch is stored once; with another body the second is a conflict', async () => {
    const body = submissionBody(master.versionId);
    const before = await counts(app.t);
    const res = await submitBatch(app.t, enumerator, [body, body]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results).toEqual([
      { index: 0, id: body.id, status: 'received' },
      { index: 1, id: body.id, status: 'received' },
    ]);
    const other = submissionBody(master.versionId);
    const changed = { ...other, answers: { ...other.answers, surname: 'Changed' } };
    const mixed = await submitBatch(app.t, enumerator, [other, changed]);
    expect(
      mixed.json().results.map((r: { status: string; error?: { code: string } }) => [r.status, r.error?.code]),
    ).toEqual([
      ['received', undefined],
      ['error', 'SUBMISSION_CONFLICT'],
    ]);
    const intake = await counts(app.t);
    expect(intake.submissions - before.submissions).toBe(2);
    expect(intake.outbox - before.outbox).toBe(2);
    expect((await submissionRow(app.t, other.id))!.answers).toEqual(other.answers);
    await settled(app.t, [body.id, other.id]);
  });

  it('a batch mixing good and bad items answers per item and stores only the good ones', async () => {
    const good1 = submissionBody(master.versionId);
    const good2 = submissionBody(master.versionId);
    const badNin = submissionBody(master.versionId, { answers: masterAnswers({ nin: '123' }) });
    const badVersion = submissionBody(randomUUID());
    const badShape = { ...submissionBody(master.versionId), completedAt: 'not a date' };
    const badAnswers = submissionBody(master.versionId, { answers: masterAnswers({ hours_worked: 169 }) });
    const before = await counts(app.t);
    const res = await submitBatch(app.t, enumerator, [
      good1,
      badNin,
      badVersion,
      good2,
      badShape,
      badAnswers,
      'not even an object',
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const results = res.json().results as { index: number; id?: string; status: string; error?: { code: string } }[];
    expect(results.map((r) => [r.index, r.status, r.error?.code])).toEqual([
      [0, 'received', undefined],
      [1, 'error', 'NIN_INVALID'],
      [2, 'error', 'VERSION_UNKNOWN'],
      [3, 'received', undefined],
      [4, 'error', 'VALIDATION_FAILED'],
      [5, 'error', 'ANSWERS_INVALID'],
      [6, 'error', 'VALIDATION_FAILED'],
    ]);
    expect(results.slice(0, 6).map((r) => r.id)).toEqual([
      good1.id,
      badNin.id,
      badVersion.id,
      good2.id,
      badShape.id,
      badAnswers.id,
    ]);
    const afterIntake = await counts(app.t);
    expect(afterIntake.submissions - before.submissions).toBe(2);
    expect(afterIntake.outbox - before.outbox).toBe(2);
    const stored = await app.t.database.db
      .select({ id: submissions.id })
      .from(submissions)
      .where(inArray(submissions.id, [good1.id, good2.id, badNin.id, badVersion.id, badShape.id, badAnswers.id]));
    expect(stored.map((s) => s.id).sort()).toEqual([good1.id, good2.id].sort());
    await settled(app.t, [good1.id, good2.id]);
    const after = await counts(app.t);
    expect(after.respondents - before.respondents).toBe(2);

    // Re-sending the whole outbox is harmless: the good ones replay, the bad ones fail the same way.
    const again = await submitBatch(app.t, enumerator, [good1, badNin, good2]);
    expect(again.json().results.map((r: { status: string }) => r.status)).toEqual(['ingested', 'error', 'ingested']);
    expect(await counts(app.t)).toEqual(after);
  });

  it('malformed JSON and a wrong content type are 4xx', async () => {
    const bad = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/submissions',
      headers: { cookie: enumerator.cookie, 'x-csrf-token': enumerator.csrfToken, 'content-type': 'application/json' },
      payload: '{"id": ',
    });
    expect(bad.statusCode).toBe(400);
    const text = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/submissions',
      headers: { cookie: enumerator.cookie, 'x-csrf-token': enumerator.csrfToken, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
  });
});

describe('reading submission status', () => {
  it('the submitter sees status, error and respondent (never fraud); another enumerator gets 404; overseers read fraud too', async () => {
    const ok = submissionBody(master.versionId);
    const dup = submissionBody(master.versionId, { answers: masterAnswers({ nin: ok.answers.nin }) });
    expect((await submit(app.t, enumerator, ok)).statusCode).toBe(202);
    await settled(app.t, [ok.id]);
    expect((await submit(app.t, enumerator, dup)).statusCode).toBe(202);
    await settled(app.t, [dup.id]);

    const mine = await app.call(enumerator, { method: 'GET', url: `/api/v1/submissions/${ok.id}` });
    expect(mine.statusCode).toBe(200);
    const row = await submissionRow(app.t, ok.id);
    expect(mine.json()).toEqual({
      id: ok.id,
      status: 'ingested',
      respondentId: row!.respondentId,
      reference: expect.stringMatching(/^OY-[2-9A-Z]{3}-[2-9A-Z]{3}$/),
      receivedAt: row!.receivedAt.toISOString(),
      ingestedAt: row!.ingestedAt!.toISOString(),
      review: { status: 'pending', comment: null, reviewedAt: null },
    });

    const rejected = await app.call(enumerator, { method: 'GET', url: `/api/v1/submissions/${dup.id}` });
    expect(rejected.json()).toMatchObject({ id: dup.id, status: 'rejected', error: { code: 'NIN_DUPLICATE' } });
    expect(rejected.json().respondentId).toBeUndefined();

    const other = await app.as('enumerator');
    const hidden = await app.call(other, { method: 'GET', url: `/api/v1/submissions/${ok.id}` });
    expect(hidden.statusCode).toBe(404);
    const missing = await app.call(other, { method: 'GET', url: `/api/v1/submissions/${randomUUID()}` });
    expect(missing.statusCode).toBe(404);
    expect(errorOf(hidden)).toEqual(errorOf(missing));

    for (const role of ['supervisor', 'verification_assessor'] as const) {
      const res = await app.call(await app.as(role), { method: 'GET', url: `/api/v1/submissions/${ok.id}` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: ok.id,
        status: 'ingested',
        fraud: {
          score: row!.fraudScore,
          band: row!.fraudBand,
          reasons: row!.fraudReasons,
          signals: (row!.fraudReasons as string[]).map(signalOf),
        },
      });
    }
    const official = await app.call(await app.as('government_official'), {
      method: 'GET',
      url: `/api/v1/submissions/${ok.id}`,
    });
    expect(official.statusCode).toBe(403);
    const bad = await app.call(enumerator, { method: 'GET', url: '/api/v1/submissions/not-a-uuid' });
    expect(bad.statusCode).toBe(400);
  });

  it('lists your own submissions newest first with cursor paging', async () => {
    const me = await app.as('enumerator');
    const other = await app.as('enumerator');
    const base = daytime().getTime();
    const bodies = Array.from({ length: 5 }, (_, i) =>
      submissionBody(master.versionId, { completedAt: new Date(base + i * 60_000) }),
    );
    // Sent out of order: the list orders by completion, not arrival.
    for (const b of [bodies[2], bodies[0], bodies[4], bodies[1], bodies[3]])
      expect((await submit(app.t, me, b)).statusCode).toBe(202);
    expect((await submit(app.t, other, submissionBody(master.versionId))).statusCode).toBe(202);
    await settled(
      app.t,
      bodies.map((b) => b.id),
    );

    const seen: string[] = [];
    let cursor: string | null = null;
    const pages: number[] = [];
    do {
      const res = await app.call(me, {
        method: 'GET',
        url: `/api/v1/submissions?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as {
        items: { id: string; status: string; completedAt: string }[];
        nextCursor: string | null;
      };
      pages.push(page.items.length);
      for (const item of page.items) {
        expect(item.status).toBe('ingested');
        seen.push(item.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual([2, 2, 1]);
    expect(seen).toEqual(bodies.map((b) => b.id).reverse());

    const all = await app.call(me, { method: 'GET', url: '/api/v1/submissions' });
    expect(all.json().items).toHaveLength(5);
    expect(all.json().nextCursor).toBeNull();
    expect((await app.call(me, { method: 'GET', url: '/api/v1/submissions?limit=0' })).statusCode).toBe(400);
    expect((await app.call(me, { method: 'GET', url: '/api/v1/submissions?limit=101' })).statusCode).toBe(400);
    expect((await app.call(me, { method: 'GET', url: '/api/v1/submissions?cursor=garbage' })).statusCode).toBe(400);
    expect((await app.call(await app.as('supervisor'), { method: 'GET', url: '/api/v1/submissions' })).statusCode).toBe(
      403,
    );
  });

  it('paging loses nothing when several surveys share a completion time', async () => {
    const me = await app.as('data_entry_clerk');
    const at = daytime();
    const bodies = Array.from({ length: 5 }, () => submissionBody(master.versionId, { completedAt: at }));
    const res = await submitBatch(app.t, me, bodies);
    expect(res.json().results.map((r: { status: string }) => r.status)).toEqual(Array(5).fill('received'));
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const url: string = `/api/v1/submissions?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const list = await app.call(me, { method: 'GET', url });
      expect(list.statusCode, list.body).toBe(200);
      seen.push(...(list.json().items as { id: string }[]).map((i) => i.id));
      cursor = list.json().nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(bodies.map((b) => b.id)));
    // A plain timestamp cursor (what older clients send) still works.
    const older = await app.call(me, {
      method: 'GET',
      url: `/api/v1/submissions?cursor=${encodeURIComponent(new Date(at.getTime() + 1).toISOString())}`,
    });
    expect(older.statusCode).toBe(200);
    expect(older.json().items).toHaveLength(5);
  });
});

describe('NIN pre-check', () => {
  async function check(session: Session, nin: string) {
    return app.call(session, { method: 'POST', url: '/api/v1/forms/check-nin', payload: { nin } });
  }

  it('staff learn when and how a NIN was registered; the public only whether it is free; every check is audited without the NIN', async () => {
    const body = submissionBody(master.versionId);
    const nin = body.answers.nin as string;
    expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    const [r] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, row!.respondentId!));

    const checker = await app.as('enumerator');
    const taken = await check(checker, nin);
    expect(taken.statusCode).toBe(200);
    expect(taken.json()).toEqual({
      valid: true,
      available: false,
      firstRegisteredAt: r!.createdAt.toISOString(),
      source: 'enumerator',
    });
    // Spaces and dashes are ignored.
    expect((await check(checker, `${nin.slice(0, 4)} ${nin.slice(4, 8)}-${nin.slice(8)}`)).json()).toMatchObject({
      available: false,
    });
    const free = freshNin();
    expect((await check(checker, free)).json()).toEqual({ valid: true, available: true });
    expect((await check(checker, '11111111111')).json()).toEqual({ valid: false, available: false });
    expect((await check(checker, '1234567890')).json()).toEqual({ valid: false, available: false });

    const resident = await app.publicUser();
    const pubTaken = await check(resident, nin);
    expect(pubTaken.statusCode).toBe(200);
    expect(pubTaken.json()).toEqual({ valid: true, available: false });
    expect(Object.keys(pubTaken.json()).sort()).toEqual(['available', 'valid']);
    expect((await check(resident, free)).json()).toEqual({ valid: true, available: true });
    expect((await check(resident, 'abcdefghijk')).json()).toEqual({ valid: false, available: false });

    // A staff member's NIN: taken, and staff see that it is a staff NIN.
    const staffNin = freshNin();
    await createUser(app.t, 'data_entry_clerk', { nin: staffNin });
    expect((await check(checker, staffNin)).json()).toEqual({ valid: true, available: false, source: 'staff' });
    expect((await check(resident, staffNin)).json()).toEqual({ valid: true, available: false });

    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'nin.checked'), inArray(auditLog.actorId, [checker.user.id, resident.user.id])));
    expect(audits).toHaveLength(10);
    const text = JSON.stringify(audits);
    for (const n of [nin, free, staffNin, '1234567890', 'abcdefghijk']) expect(text).not.toContain(n);
    expect(audits.filter((a) => a.actorId === resident.user.id)).toHaveLength(4);
    expect(audits[0]).toMatchObject({ targetType: 'nin', ip: '127.0.0.1' });
    expect(audits.every((a) => a.targetId === null || /^[\w-]{22}$/.test(a.targetId))).toBe(true);
  });

  it('the 21st check in a minute is 429 with Retry-After', async () => {
    const resident = await app.publicUser();
    for (let i = 0; i < 20; i++) {
      const res = await check(resident, freshNin());
      expect(res.statusCode, `check ${i + 1}`).toBe(200);
    }
    const limited = await check(resident, freshNin());
    expect(limited.statusCode).toBe(429);
    expect(errorOf(limited).code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another person is not affected.
    expect((await check(await app.as('enumerator'), freshNin())).statusCode).toBe(200);
    const anonymous = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/forms/check-nin',
      payload: { nin: freshNin() },
    });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('raw submissions are immutable', () => {
  it('the database refuses to change raw content or delete a submission; the outbox row is done', async () => {
    const body = submissionBody(master.versionId);
    expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
    await settled(app.t, [body.id]);
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: app.t.databaseUrl });
    await client.connect();
    try {
      await expect(
        client.query(`update submissions set answers = '{}'::jsonb where id = $1`, [body.id]),
      ).rejects.toThrow(/immutable/);
      // Every raw column is guarded, also beside an outcome change in the same statement (the guard
      // fires only for updates naming a raw column, migration 0031).
      for (const change of [
        `device_id = 'another-phone'`,
        `completed_at = completed_at - interval '1 day'`,
        `received_at = now() + interval '1 hour'`,
        `body_hash = 'x'`,
        `pii_sealed = null`,
        `replaces = id`,
        `status = 'rejected', gps_lat = 7.5`,
      ]) {
        await expect(client.query(`update submissions set ${change} where id = $1`, [body.id])).rejects.toThrow(
          /immutable/,
        );
      }
      // Naming a raw column without changing it, and changing outcome columns, are allowed.
      await client.query(`update submissions set answers = answers, fraud_score = fraud_score where id = $1`, [
        body.id,
      ]);
      await expect(client.query(`delete from submissions where id = $1`, [body.id])).rejects.toThrow(/never deleted/);
    } finally {
      await client.end();
    }
    const [o] = await app.t.database.db
      .select()
      .from(submissionOutbox)
      .where(eq(submissionOutbox.submissionId, body.id));
    expect(o!.doneAt).toBeInstanceOf(Date);
    const row = await submissionRow(app.t, body.id);
    expect(row!.answers).toEqual(body.answers);
    expect(row!.deviceId).toBeNull();
    const [u] = await app.t.database.db.select({ role: users.role }).from(users).where(eq(users.id, row!.submittedBy!));
    expect(u!.role).toBe('enumerator');
  });
});
