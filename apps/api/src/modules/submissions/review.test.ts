import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { auditLog, respondents, submissions } from '../../db/schema/index.js';
import { useTestApp } from '../../../test/use-test-app.js';
import {
  counts,
  freshNin,
  masterAnswers,
  publishForm,
  settled,
  submissionBody,
  submit,
  submissionRow,
  type Published,
} from '../../../test/testkit.js';
import type { Session } from '../../../test/harness.js';

/**
 * Issue 10, items 2 and 3: the overseers' review list, the review decisions (one state machine) and
 * the return-for-correction loop back to the enumerator.
 */
const app = useTestApp();
let master: Published;
let north: Session; // an enumerator in ibadan_north
let east: Session; // an enumerator in oyo_east
let supNorth: Session;

const get = (s: Session, url: string) => app.call(s, { method: 'GET', url });
const decide = (s: Session, id: string, payload: object) =>
  app.call(s, { method: 'POST', url: `/api/v1/submissions/${id}/review`, payload });

async function collected(by: Session, lga: string, extra: Record<string, unknown> = {}) {
  const body = { ...submissionBody(master.versionId, { answers: masterAnswers({ lga_id: lga }) }), ...extra };
  const res = await submit(app.t, by, body);
  expect(res.statusCode, res.body).toBe(202);
  const [row] = await settled(app.t, [body.id]);
  return { id: body.id, body, row: row! };
}

/** Outcome columns may change (only the raw ones are immutable): set a fraud score for the list tests. */
async function scoreAs(id: string, score: number, band: string, reasons: string[]) {
  await app.t.database.db
    .update(submissions)
    .set({ fraudScore: score, fraudBand: band, fraudReasons: reasons })
    .where(eq(submissions.id, id));
}

async function walk(s: Session, query: string, limit: number) {
  const seen: { id: string; completedAt: string; fraud: { score: number } | null }[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const res = await get(
      s,
      `/api/v1/submissions/review?limit=${limit}&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    seen.push(...res.json().items);
    cursor = res.json().nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('paging never ended');
}

beforeAll(async () => {
  master = await publishForm(app.t, app.admin);
  north = await app.as('enumerator', { lgaCode: 'ibadan_north' });
  east = await app.as('enumerator', { lgaCode: 'oyo_east' });
  supNorth = await app.as('supervisor', { lgaCode: 'ibadan_north' });
});

describe('the review list', () => {
  let ids: { north: string[]; east: string[] };
  beforeAll(async () => {
    ids = { north: [], east: [] };
    for (let i = 0; i < 5; i++) ids.north.push((await collected(north, 'ibadan_north')).id);
    for (let i = 0; i < 3; i++) ids.east.push((await collected(east, 'oyo_east')).id);
    // A stored sentence the scorer writes, and one it never wrote (kept as it is, code `text`).
    await scoreAs(ids.north[1]!, 90, 'critical', ['speed-run: 40 s for 60 answers', 'checked by hand']);
    await scoreAs(ids.north[3]!, 55, 'medium', ['off-hours: 23:40 WAT']);
    await scoreAs(ids.east[0]!, 72, 'high', ['gps: 3 points within 50 m']);
  });

  it('statewide overseers see every LGA; each item names score, band, reasons, enumerator, channel, lga and times', async () => {
    for (const s of [app.admin, await app.as('verification_assessor'), await app.as('government_official')]) {
      const items = await walk(s, 'sort=recent', 100);
      const mine = items.filter((i) => [...ids.north, ...ids.east].includes(i.id));
      expect(mine).toHaveLength(8);
    }
    const res = await get(app.admin, `/api/v1/submissions/review?lga=ibadan_north&band=critical`);
    expect(res.json().items).toEqual([
      expect.objectContaining({
        id: ids.north[1],
        status: 'ingested',
        channel: 'enumerator',
        lga: 'ibadan_north',
        enumerator: { id: north.user.id, name: expect.stringMatching(/^Test enumerator/) },
        fraud: {
          score: 90,
          band: 'critical',
          reasons: ['speed-run: 40 s for 60 answers', 'checked by hand'],
          signals: [
            { code: 'speed_run_floor', params: { seconds: 40, answers: 60 } },
            { code: 'text', params: { text: 'checked by hand' } },
          ],
        },
        completedAt: expect.any(String),
        receivedAt: expect.any(String),
        startedAt: expect.any(String),
        review: { status: 'pending', comment: null, reviewedAt: null, reviewedBy: null },
      }),
    ]);
  });

  it('a supervisor sees only their LGA, whatever lga filter they send', async () => {
    const items = await walk(supNorth, 'sort=recent', 3);
    expect(items.length).toBeGreaterThanOrEqual(5);
    expect(items.every((i) => (i as unknown as { lga: string }).lga === 'ibadan_north')).toBe(true);
    expect(items.some((i) => ids.east.includes(i.id))).toBe(false);
    const other = await get(supNorth, '/api/v1/submissions/review?lga=oyo_east');
    expect(other.statusCode).toBe(200);
    expect(other.json()).toEqual({ items: [], nextCursor: null });
  });

  it('keyset paging walks every row once, newest first, at any page size', async () => {
    const all = await walk(app.admin, 'sort=recent', 100);
    for (const limit of [1, 3]) {
      const paged = await walk(app.admin, 'sort=recent', limit);
      expect(paged.map((i) => i.id)).toEqual(all.map((i) => i.id));
    }
    const times = all.map((i) => Date.parse(i.completedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('sort=score puts the most suspicious first, unscored last, and pages through without loss', async () => {
    const all = await walk(app.admin, 'sort=score', 2);
    expect(all.slice(0, 3).map((i) => i.id)).toEqual([ids.north[1], ids.east[0], ids.north[3]]);
    const scores = all.map((i) => i.fraud?.score ?? -1);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
    expect(all.length).toBe((await walk(app.admin, 'sort=recent', 100)).length);
  });

  it('filters by band, enumerator and time range', async () => {
    const medium = await get(app.admin, '/api/v1/submissions/review?band=medium');
    expect(medium.json().items.map((i: { id: string }) => i.id)).toEqual([ids.north[3]]);
    const byEast = await walk(app.admin, `enumeratorId=${east.user.id}`, 100);
    expect(byEast.map((i) => i.id).sort()).toEqual([...ids.east].sort());
    const row = await submissionRow(app.t, ids.north[2]!);
    const at = row!.completedAt.getTime();
    const window = await get(
      app.admin,
      `/api/v1/submissions/review?from=${new Date(at).toISOString()}&to=${new Date(at + 1).toISOString()}`,
    );
    expect(window.json().items.map((i: { id: string }) => i.id)).toEqual([ids.north[2]]);
  });

  it('refuses unknown filters, bad values and a cursor of another sort (400); collectors may not open it (403)', async () => {
    for (const q of [
      'colour=red',
      'band=purple',
      'lga=atlantis',
      'status=maybe',
      'limit=500',
      'sort=name',
      'cursor=abc',
    ]) {
      const res = await get(app.admin, `/api/v1/submissions/review?${q}`);
      expect(res.statusCode, q).toBe(400);
    }
    const first = await get(app.admin, '/api/v1/submissions/review?limit=1&sort=recent');
    const cursor = first.json().nextCursor as string;
    const crossed = await get(app.admin, `/api/v1/submissions/review?sort=score&cursor=${encodeURIComponent(cursor)}`);
    expect(crossed.statusCode).toBe(400);
    expect(crossed.json().error.code).toBe('CURSOR_INVALID');
    for (const s of [north, await app.as('data_entry_clerk'), await app.publicUser()])
      expect((await get(s, '/api/v1/submissions/review')).statusCode).toBe(403);
  });

  it('the detail shows answers and reasons to an overseer in scope, is audited, and hides other LGAs (404)', async () => {
    const res = await get(supNorth, `/api/v1/submissions/${ids.north[1]}/review`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().submission).toMatchObject({
      id: ids.north[1],
      answers: expect.objectContaining({ surname: 'Adeyemi', lga_id: 'ibadan_north' }),
      fraud: {
        band: 'critical',
        reasons: ['speed-run: 40 s for 60 answers', 'checked by hand'],
        signals: [{ code: 'speed_run_floor', params: { seconds: 40, answers: 60 } }, { code: 'text' }],
      },
      replacedBy: null,
    });
    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorId, supNorth.user.id), eq(auditLog.action, 'submission.viewed')));
    expect(audits.map((a) => a.targetId)).toEqual([ids.north[1]]);
    // The NIN is masked for supervisors and officials, in full for super admins and assessors.
    const nin = (await submissionRow(app.t, ids.north[1]!))!.answers.nin as string;
    expect(res.json().submission.answers.nin).toBe(`********${nin.slice(-3)}`);
    const official = await get(await app.as('government_official'), `/api/v1/submissions/${ids.north[1]}/review`);
    expect(official.json().submission.answers.nin).toBe(`********${nin.slice(-3)}`);
    for (const s of [app.admin, await app.as('verification_assessor')])
      expect((await get(s, `/api/v1/submissions/${ids.north[1]}/review`)).json().submission.answers.nin).toBe(nin);
    const hidden = await get(supNorth, `/api/v1/submissions/${ids.east[0]}/review`);
    const missing = await get(supNorth, `/api/v1/submissions/${randomUUID()}/review`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json()).toEqual(missing.json());
  });
});

describe('review decisions', () => {
  it('approve needs no comment; the decision is stored, audited, and shown in the list', async () => {
    const { id } = await collected(north, 'ibadan_north');
    const res = await decide(supNorth, id, { decision: 'approve' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      changed: true,
      submission: { id, review: { status: 'approved', reviewedBy: supNorth.user.id, comment: null } },
    });
    const audits = await app.t.database.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(audits).toEqual([
      expect.objectContaining({
        action: 'submission.approved',
        actorId: supNorth.user.id,
        before: { reviewStatus: 'pending' },
        after: { reviewStatus: 'approved' },
      }),
    ]);
    const approved = await walk(supNorth, 'status=approved', 100);
    expect(approved.map((i) => i.id)).toContain(id);
  });

  it('reject and return require a comment (empty, blank or over 2,000 characters: 400); 2,000 is accepted', async () => {
    const { id } = await collected(north, 'ibadan_north');
    for (const payload of [
      { decision: 'reject' },
      { decision: 'return', comment: '' },
      { decision: 'return', comment: '   ' },
      { decision: 'return', comment: 'x'.repeat(5000) },
      { decision: 'return', comment: 'x'.repeat(2001) },
      { decision: 'return', comment: 'bad\u0000byte' },
      { decision: 'maybe', comment: 'why not' },
      { decision: 'approve', extra: 1 },
    ]) {
      const res = await decide(supNorth, id, payload);
      expect(res.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400);
    }
    expect((await submissionRow(app.t, id))!.reviewStatus).toBe('pending');
    const ok = await decide(supNorth, id, { decision: 'reject', comment: 'y'.repeat(2000) });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().submission.review.comment).toHaveLength(2000);
  });

  it('the same decision twice is harmless; a different one is a 409 with the current state and changes nothing', async () => {
    const { id } = await collected(north, 'ibadan_north');
    expect((await decide(supNorth, id, { decision: 'return', comment: 'Photo of the ID is missing' })).statusCode).toBe(
      200,
    );
    const again = await decide(supNorth, id, { decision: 'return', comment: 'Photo of the ID is missing' });
    expect(again.statusCode).toBe(200);
    expect(again.json().changed).toBe(false);
    const other = await decide(app.admin, id, { decision: 'approve' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toMatchObject({
      code: 'REVIEW_CONFLICT',
      details: { current: { status: 'returned', comment: 'Photo of the ID is missing', reviewedBy: supNorth.user.id } },
    });
    const audits = await app.t.database.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(audits.map((a) => a.action)).toEqual(['submission.returned']);
  });

  it("a resident's self-registration cannot be returned (no collector to return it to), only approved or rejected", async () => {
    const resident = await app.publicUser();
    const body = submissionBody(master.versionId, { answers: masterAnswers({ lga_id: 'ibadan_north' }) });
    expect((await submit(app.t, resident, body)).statusCode, 'public submit').toBe(202);
    await settled(app.t, [body.id]);
    const back = await decide(supNorth, body.id, { decision: 'return', comment: 'Please fix' });
    expect(back.statusCode).toBe(422);
    expect(back.json().error.code).toBe('NOT_RETURNABLE');
    expect((await submissionRow(app.t, body.id))!.reviewStatus).toBe('pending');
    expect((await decide(supNorth, body.id, { decision: 'reject', comment: 'Not a resident of Oyo' })).statusCode).toBe(
      200,
    );
  });

  it("a supervisor deciding another LGA's submission gets the same 404 as reading it; officials may only read (403)", async () => {
    const { id } = await collected(east, 'oyo_east');
    const hidden = await decide(supNorth, id, { decision: 'approve' });
    const missing = await decide(supNorth, randomUUID(), { decision: 'approve' });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json()).toEqual(missing.json());
    expect((await get(supNorth, `/api/v1/submissions/${id}`)).json()).toEqual(missing.json());
    expect((await decide(await app.as('government_official'), id, { decision: 'approve' })).statusCode).toBe(403);
    expect((await decide(north, id, { decision: 'approve' })).statusCode).toBe(403);
    expect((await submissionRow(app.t, id))!.reviewStatus).toBe('pending');
    // An assessor reviews statewide.
    expect((await decide(await app.as('verification_assessor'), id, { decision: 'approve' })).statusCode).toBe(200);
  });
});

describe('return for correction', () => {
  it('reaches the enumerator with the comment; the correction supersedes the original and updates the respondent', async () => {
    const me = await app.as('enumerator', { lgaCode: 'ibadan_north' });
    const original = await collected(me, 'ibadan_north');
    expect(original.row.status).toBe('ingested');
    const comment = 'Surname is misspelt; check with the respondent';
    expect((await decide(supNorth, original.id, { decision: 'return', comment })).statusCode).toBe(200);

    const mine = await get(me, '/api/v1/submissions?limit=100');
    expect(mine.json().items.find((i: { id: string }) => i.id === original.id)).toMatchObject({
      review: { status: 'returned', comment },
    });
    const corrections = await get(me, '/api/v1/submissions/corrections');
    expect(corrections.statusCode, corrections.body).toBe(200);
    expect(corrections.json().items).toEqual([
      expect.objectContaining({
        id: original.id,
        questionnaireVersionId: master.versionId,
        answers: original.body.answers,
        comment,
      }),
    ]);
    // Another enumerator sees none of it.
    expect((await get(east, '/api/v1/submissions/corrections')).json().items).toEqual([]);

    const before = await counts(app.t);
    const fixed = {
      ...submissionBody(master.versionId, {
        answers: { ...original.body.answers, surname: 'Adeyemi-Corrected' },
      }),
      replaces: original.id,
    };
    const res = await submit(app.t, me, fixed);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().replaces).toBe(original.id);
    const [row] = await settled(app.t, [fixed.id]);
    expect(row).toMatchObject({ status: 'ingested', respondentId: original.row.respondentId });
    expect((await submissionRow(app.t, original.id))!.reviewStatus).toBe('superseded');
    const after = await counts(app.t);
    expect(after.respondents).toBe(before.respondents);
    const [respondent] = await app.t.database.db
      .select()
      .from(respondents)
      .where(eq(respondents.id, original.row.respondentId!));
    expect(respondent!.surname).toBe('Adeyemi-Corrected');
    expect((await get(me, '/api/v1/submissions/corrections')).json().items).toEqual([]);

    // The supervisor sees the replacement, links both ways, and approves it; the original takes no decision.
    const detail = await get(supNorth, `/api/v1/submissions/${original.id}/review`);
    expect(detail.json().submission).toMatchObject({ review: { status: 'superseded' }, replacedBy: fixed.id });
    expect((await decide(supNorth, fixed.id, { decision: 'approve' })).statusCode).toBe(200);
    const superseded = await decide(supNorth, original.id, { decision: 'return', comment: 'again' });
    expect(superseded.statusCode).toBe(409);
    expect(superseded.json().error.details.current.status).toBe('superseded');
    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(inArray(auditLog.action, ['submission.superseded', 'respondent.corrected']));
    expect(audits.map((a) => [a.action, a.targetId])).toEqual(
      expect.arrayContaining([
        ['submission.superseded', original.id],
        ['respondent.corrected', original.row.respondentId],
      ]),
    );
  });

  it("refuses a correction of someone else's, a missing, a pending or an already-corrected submission", async () => {
    const pending = await collected(north, 'ibadan_north');
    const returned = await collected(north, 'ibadan_north');
    await decide(supNorth, returned.id, { decision: 'return', comment: 'Check the age' });
    const correction = (replaces: string) => ({
      ...submissionBody(master.versionId, { answers: { ...returned.body.answers } }),
      replaces,
    });

    const byOther = await submit(
      app.t,
      await app.as('enumerator', { lgaCode: 'ibadan_north' }),
      correction(returned.id),
    );
    expect(byOther.statusCode).toBe(422);
    expect(byOther.json().error.code).toBe('REPLACES_UNKNOWN');
    const unknown = await submit(app.t, north, correction(randomUUID()));
    expect(unknown.json().error.code).toBe('REPLACES_UNKNOWN');
    expect(byOther.json().error.message).toBe(unknown.json().error.message);
    const notReturned = await submit(app.t, north, correction(pending.id));
    expect(notReturned.statusCode).toBe(409);
    expect(notReturned.json().error).toMatchObject({ code: 'REPLACES_NOT_RETURNED', details: { current: 'pending' } });

    const first = correction(returned.id);
    expect((await submit(app.t, north, first)).statusCode).toBe(202);
    // Replaying the same correction is harmless; a second, different one is refused.
    expect((await submit(app.t, north, first)).statusCode).toBe(200);
    const second = await submit(app.t, north, correction(returned.id));
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('REPLACEMENT_EXISTS');
    await settled(app.t, [first.id]);
    const late = await submit(app.t, north, correction(returned.id));
    expect(late.statusCode).toBe(409);
  });

  it('a correction may fix the NIN: to a free one it updates the record; to a taken one it is refused and the slot stays open', async () => {
    const original = await collected(north, 'ibadan_north');
    await decide(supNorth, original.id, { decision: 'return', comment: 'NIN digits swapped' });
    const someoneElse = await collected(north, 'ibadan_north');
    const taken = someoneElse.body.answers.nin as string;

    const clash = {
      ...submissionBody(master.versionId, { answers: { ...original.body.answers, nin: taken } }),
      replaces: original.id,
    };
    expect((await submit(app.t, north, clash)).statusCode).toBe(202);
    const [refused] = await settled(app.t, [clash.id]);
    expect(refused).toMatchObject({ status: 'rejected', error: expect.objectContaining({ code: 'NIN_DUPLICATE' }) });
    expect((await submissionRow(app.t, original.id))!.reviewStatus).toBe('returned');

    const nin = freshNin();
    const fixed = {
      ...submissionBody(master.versionId, { answers: { ...original.body.answers, nin } }),
      replaces: original.id,
    };
    const res = await submit(app.t, north, fixed);
    expect(res.statusCode, res.body).toBe(202);
    const [row] = await settled(app.t, [fixed.id]);
    expect(row).toMatchObject({ status: 'ingested', respondentId: original.row.respondentId });
    const [respondent] = await app.t.database.db
      .select()
      .from(respondents)
      .where(eq(respondents.id, original.row.respondentId!));
    expect(app.t.runtime.pii.open(respondent!.ninSealed!, 'nin')).toBe(nin);
  });

  it('the id a correction replaces is raw content (immutable); the review columns are outcome columns', async () => {
    const original = await collected(north, 'ibadan_north');
    await decide(supNorth, original.id, { decision: 'return', comment: 'Wrong LGA' });
    const fixed = {
      ...submissionBody(master.versionId, { answers: { ...original.body.answers } }),
      replaces: original.id,
    };
    expect((await submit(app.t, north, fixed)).statusCode).toBe(202);
    await settled(app.t, [fixed.id]);
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: app.t.databaseUrl });
    await client.connect();
    try {
      await expect(client.query(`update submissions set replaces = null where id = $1`, [fixed.id])).rejects.toThrow(
        /immutable/,
      );
      await client.query(`update submissions set review_comment = 'outcome columns may change' where id = $1`, [
        fixed.id,
      ]);
    } finally {
      await client.end();
    }
    // Redelivered (at-least-once queue): nothing changes a second time.
    const before = await counts(app.t);
    expect(await app.t.services.ingestion.ingest(fixed.id)).toEqual({ status: 'skipped' });
    expect(await counts(app.t)).toEqual(before);
    expect((await submissionRow(app.t, original.id))!.reviewStatus).toBe('superseded');
  });

  it('a survey refused at ingestion (a taken NIN) can be returned, and its correction creates the respondent', async () => {
    const first = await collected(north, 'ibadan_north');
    const dup = await collected(north, 'ibadan_north', {
      answers: masterAnswers({ lga_id: 'ibadan_north', nin: first.body.answers.nin as string }),
    });
    expect(dup.row).toMatchObject({ status: 'rejected', respondentId: null });
    await decide(supNorth, dup.id, { decision: 'return', comment: 'This NIN is someone else’s; ask again' });
    const before = await counts(app.t);
    const fixed = {
      ...submissionBody(master.versionId, { answers: { ...dup.body.answers, nin: freshNin() } }),
      replaces: dup.id,
    };
    expect((await submit(app.t, north, fixed)).statusCode).toBe(202);
    const [row] = await settled(app.t, [fixed.id]);
    expect(row!.status).toBe('ingested');
    expect((await counts(app.t)).respondents).toBe(before.respondents + 1);
    expect((await submissionRow(app.t, dup.id))!.reviewStatus).toBe('superseded');
  });
});
