import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, inArray, ne } from 'drizzle-orm';
import type { Answers, AnswerValue } from '@oslrs/core';
import { auditLog, respondents, submissionOutbox, submissions } from '../../db/schema/index.js';
import { useTestApp } from '../../../test/use-test-app.js';
import { waitFor, type Session } from '../../../test/harness.js';
import {
  freshNin,
  masterAnswers,
  publishForm,
  settled,
  submissionBody,
  submissionRow,
  submit,
  type Published,
} from '../../../test/testkit.js';

/**
 * Issue 12, item 6: a resident's correction request. It is stored but held (the record does not
 * change) until a reviewer in scope approves it; then it is ingested as a correction of their
 * registration, which it supersedes. One request waits at a time; one live registration remains.
 */
const app = useTestApp();
let master: Published;
let supNorth: Session;

const CORRECTIONS = '/api/v1/me/registration/corrections';
const get = (s: Session, url: string) => app.call(s, { method: 'GET', url });
const request = (s: Session, body: object) => app.call(s, { method: 'POST', url: CORRECTIONS, payload: body });
const decide = (s: Session, id: string, payload: object) =>
  app.call(s, { method: 'POST', url: `/api/v1/submissions/${id}/review`, payload });

interface Registered {
  resident: Session;
  id: string;
  respondentId: string;
  answers: Answers;
}

/** A resident registers through the public form and their registration is ingested. */
async function registered(lga = 'ibadan_north'): Promise<Registered> {
  const resident = await app.as('public_user');
  const body = submissionBody(master.versionId, { answers: masterAnswers({ lga_id: lga }) });
  const res = await submit(app.t, resident, body);
  expect(res.statusCode, res.body).toBe(202);
  const [row] = await settled(app.t, [body.id]);
  expect(row!.status).toBe('ingested');
  return { resident, id: body.id, respondentId: row!.respondentId!, answers: body.answers };
}

/** The public form's body again, fresh id, with some answers changed. */
function corrected(r: Registered, changes: Record<string, AnswerValue>) {
  return submissionBody(master.versionId, { answers: { ...r.answers, ...changes } });
}

async function respondent(id: string) {
  const [row] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, id));
  return row!;
}

/** The resident's live registrations (the predicate of submissions_public_one_person_uq). */
async function liveCount(userId: string) {
  const [row] = await app.t.database.db
    .select({ n: count() })
    .from(submissions)
    .where(
      and(
        eq(submissions.submittedBy, userId),
        eq(submissions.channel, 'public'),
        inArray(submissions.status, ['received', 'ingested']),
        ne(submissions.reviewStatus, 'superseded'),
      ),
    );
  return row!.n;
}

/** Wait until an approved request has been ingested or refused. */
function ingestedOrRefused(id: string) {
  return waitFor(async () => {
    const row = await submissionRow(app.t, id);
    return row && (row.status === 'ingested' || row.status === 'rejected') ? row : null;
  });
}

beforeAll(async () => {
  master = await publishForm(app.t, app.admin);
  supNorth = await app.as('supervisor', { lgaCode: 'ibadan_north' });
});

describe('a correction request is held for review', () => {
  let r: Registered;
  let body: ReturnType<typeof corrected>;
  beforeAll(async () => {
    r = await registered();
    body = corrected(r, { firstname: 'Folasade', main_occupation: 'Fashion designer' });
  });

  it('is stored, linked to the registration, and changes nothing in the record', async () => {
    const res = await request(r.resident, body);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({
      id: body.id,
      status: 'received',
      replaces: r.id,
      review: { status: 'pending', comment: null },
    });
    const row = await submissionRow(app.t, body.id);
    expect(row).toMatchObject({ status: 'held', channel: 'public', replaces: r.id, submittedBy: r.resident.user.id });
    expect(row!.answers).toEqual(body.answers);
    // No outbox row: neither the queue nor the relay has anything to ingest; a stray delivery skips it.
    const outbox = await app.t.database.db
      .select()
      .from(submissionOutbox)
      .where(eq(submissionOutbox.submissionId, body.id));
    expect(outbox).toEqual([]);
    expect(await app.t.services.ingestion.ingest(body.id)).toEqual({ status: 'skipped' });
    expect(await respondent(r.respondentId)).toMatchObject({ firstname: 'Folake', mainOccupation: 'Tailor' });
    expect((await submissionRow(app.t, r.id))!.reviewStatus).toBe('pending');
    expect(await liveCount(r.resident.user.id)).toBe(1);

    const mine = await get(r.resident, CORRECTIONS);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toEqual({
      items: [{ id: body.id, submittedAt: row!.receivedAt.toISOString(), status: 'pending', comment: null }],
    });
    // The resident's own submission list shows it too (waiting, not ingested).
    const list = await get(r.resident, '/api/v1/submissions?limit=10');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.find((i: { id: string }) => i.id === body.id)).toMatchObject({ status: 'received' });
    const audits = await app.t.database.db.select().from(auditLog).where(eq(auditLog.targetId, body.id));
    expect(audits).toEqual([
      expect.objectContaining({
        action: 'submission.correction_requested',
        actorId: r.resident.user.id,
        after: { replaces: r.id },
      }),
    ]);
  });

  it('the same id again answers as the first time; with another body it is a conflict', async () => {
    const again = await request(r.resident, body);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ id: body.id, status: 'received', replaces: r.id });
    const other = await request(r.resident, { ...body, answers: { ...body.answers, firstname: 'Other' } });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('SUBMISSION_CONFLICT');
  });

  it('a second request while one waits is 409 CORRECTION_PENDING', async () => {
    const second = await request(r.resident, corrected(r, { firstname: 'Sade' }));
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('CORRECTION_PENDING');
  });

  it("reviewers in scope see it marked as the resident's correction of their registration", async () => {
    const items = (await get(supNorth, '/api/v1/submissions/review?limit=100')).json().items as {
      id: string;
    }[];
    expect(items.find((i) => i.id === body.id)).toMatchObject({
      channel: 'public',
      status: 'received',
      replaces: r.id,
      correctionOf: r.id,
      lga: 'ibadan_north',
      review: { status: 'pending' },
    });
    // The registration itself is not a correction request.
    expect(items.find((i) => i.id === r.id)).not.toHaveProperty('correctionOf');
    const detail = await get(supNorth, `/api/v1/submissions/${body.id}/review`);
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().submission).toMatchObject({
      correctionOf: r.id,
      answers: expect.objectContaining({ firstname: 'Folasade' }),
    });
    const original = await get(supNorth, `/api/v1/submissions/${r.id}/review`);
    expect(original.json().submission.replacedBy).toBe(body.id);
  });

  it("another LGA's supervisor gets 404 on it, as for a missing submission", async () => {
    const supEast = await app.as('supervisor', { lgaCode: 'oyo_east' });
    const missing = await get(supEast, `/api/v1/submissions/${randomUUID()}/review`);
    const hidden = await get(supEast, `/api/v1/submissions/${body.id}/review`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json()).toEqual(missing.json());
    const decided = await decide(supEast, body.id, { decision: 'approve' });
    expect(decided.statusCode).toBe(404);
    expect((await submissionRow(app.t, body.id))!).toMatchObject({ status: 'held', reviewStatus: 'pending' });
  });

  it('cannot be returned (422 NOT_RETURNABLE)', async () => {
    const back = await decide(supNorth, body.id, { decision: 'return', comment: 'Please fix' });
    expect(back.statusCode).toBe(422);
    expect(back.json().error.code).toBe('NOT_RETURNABLE');
    expect((await submissionRow(app.t, body.id))!).toMatchObject({ status: 'held', reviewStatus: 'pending' });
  });

  it('approved: ingested as a correction — the record updated, the registration superseded, one live registration', async () => {
    const before = await app.t.database.db.select({ n: count() }).from(respondents);
    const res = await decide(supNorth, body.id, { decision: 'approve' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ changed: true, submission: { review: { status: 'approved' } } });
    const row = await ingestedOrRefused(body.id);
    expect(row).toMatchObject({ status: 'ingested', respondentId: r.respondentId, reviewStatus: 'approved' });
    expect(row.fraudBand).toEqual(expect.any(String));
    expect(await respondent(r.respondentId)).toMatchObject({
      firstname: 'Folasade',
      mainOccupation: 'Fashion designer',
    });
    expect((await app.t.database.db.select({ n: count() }).from(respondents))[0]!.n).toBe(before[0]!.n);
    expect((await submissionRow(app.t, r.id))!.reviewStatus).toBe('superseded');
    expect(await liveCount(r.resident.user.id)).toBe(1);
    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(inArray(auditLog.action, ['respondent.corrected', 'submission.superseded']));
    expect(audits.filter((a) => a.targetId === r.respondentId).map((a) => a.action)).toEqual(['respondent.corrected']);
    expect(audits.filter((a) => a.targetId === r.id).map((a) => a.action)).toEqual(['submission.superseded']);

    // The self-service reads: the request approved, the correction now the live registration.
    const { submissions: service } = app.t.services;
    const db = app.t.database.db;
    expect(await service.correctionsOf(db, r.resident.user.id)).toEqual([
      { id: body.id, submittedAt: row.receivedAt.toISOString(), status: 'approved', comment: null },
    ]);
    expect(await service.liveRegistrationOf(db, r.resident.user.id)).toEqual({
      submissionId: body.id,
      respondentId: r.respondentId,
      questionnaireVersionId: master.versionId,
      answers: body.answers,
      submittedAt: row.receivedAt.toISOString(),
    });
    // The one-registration rule still holds; a later request corrects the correction.
    const again = await submit(app.t, r.resident, submissionBody(master.versionId));
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('ALREADY_REGISTERED');
    const next = await request(r.resident, corrected(r, { firstname: 'Sade' }));
    expect(next.statusCode, next.body).toBe(202);
    expect(next.json().replaces).toBe(body.id);
  });
});

describe('a rejected request', () => {
  it('needs a comment, leaves the record as it was, and the resident reads the comment; they may ask again', async () => {
    const r = await registered();
    const body = corrected(r, { surname: 'Adeyemi-Cole' });
    expect((await request(r.resident, body)).statusCode).toBe(202);
    expect((await decide(supNorth, body.id, { decision: 'reject' })).statusCode).toBe(400);
    const comment = 'The surname does not match your NIN record';
    const res = await decide(supNorth, body.id, { decision: 'reject', comment });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().submission).toMatchObject({ status: 'rejected', review: { status: 'rejected', comment } });
    expect(await submissionRow(app.t, body.id)).toMatchObject({ status: 'rejected', respondentId: null });
    expect(await respondent(r.respondentId)).toMatchObject({ surname: 'Adeyemi' });
    expect((await submissionRow(app.t, r.id))!.reviewStatus).toBe('pending');
    expect(await liveCount(r.resident.user.id)).toBe(1);
    const mine = await get(r.resident, CORRECTIONS);
    expect(mine.json().items).toEqual([expect.objectContaining({ id: body.id, status: 'rejected', comment })]);
    // Decided: approving it now is a conflict, and nothing is ingested.
    const late = await decide(app.admin, body.id, { decision: 'approve' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('REVIEW_CONFLICT');
    // The waiting slot is free again.
    const next = corrected(r, { surname: 'Cole' });
    expect((await request(r.resident, next)).statusCode).toBe(202);
    const list = await get(r.resident, CORRECTIONS);
    expect(list.json().items.map((i: { id: string; status: string }) => [i.id, i.status])).toEqual([
      [next.id, 'pending'],
      [body.id, 'rejected'],
    ]);
  });
});

describe('a request the registry refuses after approval', () => {
  it("someone else's NIN: refused at ingestion, the registration stays live and unsuperseded; the resident is not told whose", async () => {
    const other = await registered();
    const r = await registered();
    const body = corrected(r, { nin: other.answers.nin! });
    expect((await request(r.resident, body)).statusCode).toBe(202);
    expect((await decide(app.admin, body.id, { decision: 'approve' })).statusCode).toBe(200);
    const row = await ingestedOrRefused(body.id);
    expect(row).toMatchObject({ status: 'rejected', error: expect.objectContaining({ code: 'NIN_DUPLICATE' }) });
    expect((await submissionRow(app.t, r.id))!).toMatchObject({ status: 'ingested', reviewStatus: 'pending' });
    expect(await liveCount(r.resident.user.id)).toBe(1);
    const mine = (await get(r.resident, CORRECTIONS)).json().items;
    expect(mine).toEqual([
      expect.objectContaining({
        id: body.id,
        status: 'rejected',
        comment: expect.stringMatching(/cannot be registered/),
      }),
    ]);
    expect(JSON.stringify(mine)).not.toMatch(/already registered on/i);
  });
});

describe('races and refusals', () => {
  it('two requests at once: exactly one is accepted, the other is 409 CORRECTION_PENDING', async () => {
    const r = await registered();
    const a = corrected(r, { firstname: 'Ayo' });
    const b = corrected(r, { firstname: 'Bola' });
    const results = await Promise.all([request(r.resident, a), request(r.resident, b)]);
    expect(results.map((x) => x.statusCode).sort()).toEqual([202, 409]);
    expect(results.find((x) => x.statusCode === 409)!.json().error.code).toBe('CORRECTION_PENDING');
    const held = await app.t.database.db
      .select({ id: submissions.id })
      .from(submissions)
      .where(and(eq(submissions.submittedBy, r.resident.user.id), eq(submissions.status, 'held')));
    expect(held).toHaveLength(1);
  });

  it('the same request twice at once: one row, both answered with it', async () => {
    // Several residents at once: which unique index PostgreSQL checks first (the id, or the resident's
    // one waiting place) varies with timing, and a 409 CORRECTION_PENDING here was once seen in CI.
    const residents = await Promise.all(Array.from({ length: 6 }, () => registered()));
    await Promise.all(
      residents.map(async (r) => {
        const body = corrected(r, { firstname: 'Twice' });
        const results = await Promise.all([request(r.resident, body), request(r.resident, body)]);
        expect(results.map((x) => x.statusCode).sort()).toEqual([200, 202]);
        for (const x of results) expect(x.json()).toMatchObject({ id: body.id, replaces: r.id });
      }),
    );
  });

  it('a registration sent twice at once (a double tap, a retry): one row, both answered with it', async () => {
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const resident = await app.as('public_user');
        const body = submissionBody(master.versionId, { answers: masterAnswers() });
        const results = await Promise.all([submit(app.t, resident, body), submit(app.t, resident, body)]);
        expect(results.map((x) => x.statusCode).sort()).toEqual([200, 202]);
        for (const x of results) expect(x.json()).toMatchObject({ id: body.id });
        expect(await liveCount(resident.user.id)).toBe(1);
      }),
    );
  });

  it('not registered yet: 409 NOT_REGISTERED', async () => {
    const resident = await app.as('public_user');
    const res = await request(resident, submissionBody(master.versionId));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('NOT_REGISTERED');
    expect(await app.t.services.submissions.liveRegistrationOf(app.t.database.db, resident.user.id)).toBeNull();
    expect((await get(resident, CORRECTIONS)).json()).toEqual({ items: [] });
  });

  it('answers the public form refuses: 422 ANSWERS_INVALID, nothing stored', async () => {
    const r = await registered();
    const body = corrected(r, { dob: 'yesterday', hours_worked: 'many' });
    const res = await request(r.resident, body);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('ANSWERS_INVALID');
    expect(await submissionRow(app.t, body.id)).toBeUndefined();
    const nin = await request(r.resident, corrected(r, { nin: '1234' }));
    expect(nin.statusCode).toBe(422);
    // It names the registration it replaces, or none.
    const elsewhere = await request(r.resident, { ...corrected(r, {}), replaces: randomUUID() });
    expect(elsewhere.statusCode).toBe(422);
    expect(elsewhere.json().error.code).toBe('REPLACES_UNKNOWN');
    expect((await request(r.resident, { ...corrected(r, { nin: freshNin() }), replaces: r.id })).statusCode).toBe(202);
  });

  it('staff and searchers may not ask (403), anonymous callers are 401', async () => {
    for (const role of ['enumerator', 'data_entry_clerk', 'supervisor', 'super_admin', 'searcher'] as const) {
      const s = await app.as(role);
      const res = await request(s, submissionBody(master.versionId));
      expect(res.statusCode, role).toBe(403);
      expect((await get(s, CORRECTIONS)).statusCode, role).toBe(403);
    }
    const anon = await app.call(null, { method: 'POST', url: CORRECTIONS, payload: submissionBody(master.versionId) });
    expect(anon.statusCode).toBe(401);
  });
});
