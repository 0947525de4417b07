import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { AnswerValue } from '@oslrs/core';
import { auditLog, respondentDuplicates, respondents, submissions } from '../../db/schema/index.js';
import { useTestApp } from '../../../test/use-test-app.js';
import { masterAnswers, publishForm, settled, submissionBody, submit, type Published } from '../../../test/testkit.js';
import type { Session } from '../../../test/harness.js';
import { RespondentRepository } from './repository.js';
import { scanDuplicates } from './service.js';

/**
 * Issue 10, items 1, 7, 8: the registry browse for overseers (scope, masking, exact NIN/phone search,
 * audited views), the assessor's verification queue and decisions, and the likely-duplicates queue.
 * Half of clean records are sampled into the queue here, so the sample is visible and checkable.
 */
const app = useTestApp({ env: { VERIFICATION_SAMPLE_PERCENT: '50' } });
let master: Published;
let northEnum: Session;
let eastEnum: Session;

let seq = 0;
/** A unique Nigerian mobile number in the national format. */
const freshPhone = () => `0803${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
const letters = (n: number) =>
  String(n)
    .split('')
    .map((d) => 'abcdefghij'[Number(d)])
    .join('');
/** A name no other test uses (letters only: names are searched by words). */
const freshName = () => `Zed${letters(Date.now() % 1e6)}${letters(++seq)}`;

interface Registered {
  submissionId: string;
  respondentId: string;
  nin: string | null;
  phone: string;
  surname: string;
}

async function register(
  by: Session,
  overrides: Record<string, AnswerValue | undefined> = {},
  o: { deferred?: boolean; completedAt?: Date; durationS?: number } = {},
): Promise<Registered> {
  const phone = (overrides.phone_number as string | undefined) ?? freshPhone();
  const surname = (overrides.surname as string | undefined) ?? freshName();
  const answers = masterAnswers({
    phone_number: phone,
    surname,
    ...overrides,
    ...(o.deferred ? { nin: undefined } : {}),
  });
  const body = submissionBody(master.versionId, {
    answers,
    ...(o.deferred ? { ninDeferred: true } : {}),
    ...(o.completedAt ? { completedAt: o.completedAt } : {}),
    ...(o.durationS ? { durationS: o.durationS } : {}),
  });
  const res = await submit(app.t, by, body);
  expect(res.statusCode, res.body).toBe(202);
  const [row] = await settled(app.t, [body.id]);
  expect(row!.status, JSON.stringify(row!.error)).toBe('ingested');
  return {
    submissionId: body.id,
    respondentId: row!.respondentId!,
    nin: (answers.nin as string | undefined) ?? null,
    phone,
    surname,
  };
}

/** Speed-run (25) + off-hours (10) + a respondent outside the enumerator's LGA (15): medium at least. */
function lateNight() {
  const y = new Date(Date.now() - 86_400_000);
  return new Date(Date.UTC(y.getUTCFullYear(), y.getUTCMonth(), y.getUTCDate(), 22, 30) + ++seq * 1000);
}
const flaggedRegistration = () =>
  register(northEnum, { lga_id: 'oyo_east' }, { completedAt: lateNight(), durationS: 20 });

const get = (s: Session, url: string) => app.call(s, { method: 'GET', url });
const post = (s: Session, url: string, payload: object) => app.call(s, { method: 'POST', url, payload });

let north: Registered;
let east: Registered;

beforeAll(async () => {
  master = await publishForm(app.t, app.admin);
  northEnum = await app.as('enumerator', { lgaCode: 'ibadan_north' });
  eastEnum = await app.as('enumerator', { lgaCode: 'oyo_east' });
  north = await register(northEnum, { lga_id: 'ibadan_north' });
  east = await register(eastEnum, { lga_id: 'oyo_east' });
});

async function listAll(s: Session, query: string) {
  const res = await get(s, `/api/v1/respondents?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: { id: string; nin: string | null; lga: string }[]; nextCursor: string | null };
}

describe('registry browse: scope per role', () => {
  it("a supervisor lists only their LGA's respondents, whatever the lga filter says", async () => {
    const sup = await app.as('supervisor', { lgaCode: 'ibadan_north' });
    const mine = await listAll(sup, 'limit=100');
    expect(mine.items.map((i) => i.id)).toContain(north.respondentId);
    expect(mine.items.map((i) => i.id)).not.toContain(east.respondentId);
    expect(mine.items.every((i) => i.lga === 'ibadan_north')).toBe(true);
    const other = await listAll(sup, 'lga=oyo_east&limit=100');
    expect(other.items).toEqual([]);
    // And the record itself answers like a missing one.
    expect((await get(sup, `/api/v1/respondents/${east.respondentId}`)).statusCode).toBe(404);
  });

  it('super admins, assessors and officials list every LGA; the lga filter narrows', async () => {
    for (const s of [app.admin, await app.as('verification_assessor'), await app.as('government_official')]) {
      const all = (await listAll(s, 'limit=100')).items.map((i) => i.id);
      expect(all).toEqual(expect.arrayContaining([north.respondentId, east.respondentId]));
      const eastOnly = await listAll(s, 'lga=oyo_east&limit=100');
      expect(eastOnly.items.map((i) => i.id)).toContain(east.respondentId);
      expect(eastOnly.items.every((i) => i.lga === 'oyo_east')).toBe(true);
    }
  });

  it('field, clerk and public roles may not browse (403)', async () => {
    for (const s of [northEnum, await app.as('data_entry_clerk'), await app.publicUser()]) {
      const res = await get(s, '/api/v1/respondents');
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
  });

  it('unknown filters, bad values and forged cursors are 400', async () => {
    for (const q of ['colour=red', 'status=asleep', 'limit=101', 'cursor=abc%25%25', 'cursor=WyJ4Il0', 'q=a']) {
      const res = await get(app.admin, `/api/v1/respondents?${q}`);
      expect(res.statusCode, q).toBe(400);
    }
  });

  it('pages with a cursor: every record once, newest first', async () => {
    for (let i = 0; i < 3; i++) await register(eastEnum, { lga_id: 'oyo_east' });
    const whole = (await listAll(app.admin, 'lga=oyo_east&limit=100')).items.map((i) => i.id);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listAll(app.admin, `lga=oyo_east&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(whole);
    expect(new Set(paged).size).toBe(paged.length);
    expect(paged.length).toBeGreaterThanOrEqual(4);
  });
});

describe('registry browse: masking and audit', () => {
  it('the NIN is shown in full to super admins and assessors, masked for officials and supervisors', async () => {
    const pick = async (s: Session) =>
      (await listAll(s, `q=${north.nin}`)).items.find((i) => i.id === north.respondentId)!.nin;
    expect(await pick(app.admin)).toBe(north.nin);
    expect(await pick(await app.as('verification_assessor'))).toBe(north.nin);
    expect(await pick(await app.as('government_official'))).toBe(`********${north.nin!.slice(-3)}`);
    expect(await pick(await app.as('supervisor', { lgaCode: 'ibadan_north' }))).toBe(`********${north.nin!.slice(-3)}`);
  });

  it('each page is audited: who, which records, from where — never the search term', async () => {
    const official = await app.as('government_official');
    const page = await listAll(official, `q=${north.phone}`);
    expect(page.items.map((i) => i.id)).toEqual([north.respondentId]);
    const rows = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorId, official.user.id), eq(auditLog.action, 'respondent.listed')));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorRole: 'government_official',
      targetType: 'respondent',
      ip: expect.any(String),
      after: { ids: [north.respondentId], filters: { search: 'nin_or_phone' } },
    });
    expect(JSON.stringify(rows[0])).not.toContain(north.phone.slice(1));
  });

  it('opening a record is audited and returns its submissions with fraud scores and its history', async () => {
    const assessor = await app.as('verification_assessor');
    const res = await get(assessor, `/api/v1/respondents/${north.respondentId}`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json().respondent;
    expect(r.submissions).toEqual([
      expect.objectContaining({ id: north.submissionId, fraud: expect.objectContaining({ band: expect.any(String) }) }),
    ]);
    expect(r.history.map((h: { action: string }) => h.action)).toContain('respondent.created');
    expect(r.history.map((h: { action: string }) => h.action)).not.toContain('respondent.viewed');
    expect(r).toMatchObject({ verified: false, verification: { decision: null }, mergedInto: null });
    const [viewed] = await app.t.database.db
      .select({ n: count() })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.actorId, assessor.user.id),
          eq(auditLog.action, 'respondent.viewed'),
          eq(auditLog.targetId, north.respondentId),
        ),
      );
    expect(viewed!.n).toBe(1);
  });
});

describe('registry search: a name, or an exact NIN or phone number', () => {
  it('an exact NIN finds the one record; a part of it finds nothing', async () => {
    expect((await listAll(app.admin, `q=${north.nin}`)).items.map((i) => i.id)).toEqual([north.respondentId]);
    expect((await listAll(app.admin, `q=${north.nin!.slice(0, 8)}`)).items).toEqual([]);
    expect((await listAll(app.admin, `q=${north.nin!.slice(2)}`)).items).toEqual([]);
  });

  it('an exact phone number finds the record in any common format; a part of it finds nothing', async () => {
    const national = north.phone.slice(1);
    for (const q of [
      north.phone,
      `%2B234${national}`,
      `234${national}`,
      `${north.phone.slice(0, 4)}%20${national.slice(3)}`,
    ]) {
      expect(
        (await listAll(app.admin, `q=${q}`)).items.map((i) => i.id),
        q,
      ).toEqual([north.respondentId]);
    }
    expect((await listAll(app.admin, `q=${north.phone.slice(0, 8)}`)).items).toEqual([]);
    expect((await listAll(app.admin, `q=${north.phone.slice(3)}`)).items).toEqual([]);
  });

  it('words of a name find the record, within the caller scope', async () => {
    const hits = await listAll(app.admin, `q=${north.surname.toLowerCase()}%20folake`);
    expect(hits.items.map((i) => i.id)).toEqual([north.respondentId]);
    expect((await listAll(app.admin, `q=${north.surname}%20nobody`)).items).toEqual([]);
    const eastSup = await app.as('supervisor', { lgaCode: 'oyo_east' });
    expect((await listAll(eastSup, `q=${north.surname}`)).items).toEqual([]);
    expect((await listAll(eastSup, `q=${north.nin}`)).items).toEqual([]);
  });
});

describe('the assessor verification queue', () => {
  let flagged: Registered;
  beforeAll(async () => {
    flagged = await flaggedRegistration();
  });

  const queue = async (s: Session) => {
    const ids: string[] = [];
    const items: { id: string; reason: string; band: string }[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(s, `/api/v1/verification/queue?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      items.push(...res.json().items);
      ids.push(...res.json().items.map((i: { id: string }) => i.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    return { ids, items };
  };

  it("a submission flagged medium raises the respondent's band; the queue holds it, flagged first", async () => {
    const [row] = await app.t.database.db.select().from(submissions).where(eq(submissions.id, flagged.submissionId));
    expect(['medium', 'high', 'critical']).toContain(row!.fraudBand);
    const q = await queue(app.admin);
    expect(q.items[0]).toMatchObject({ reason: 'flagged' });
    expect(q.items.find((i) => i.id === flagged.respondentId)).toMatchObject({
      reason: 'flagged',
      band: row!.fraudBand,
    });
  });

  it('clean records are in the queue exactly when their stable bucket falls in the sample (50 % here)', async () => {
    for (let i = 0; i < 6; i++) await register(eastEnum, { lga_id: 'oyo_east' });
    const rows = await app.t.database.db
      .select({ id: respondents.id, bucket: respondents.sampleBucket, rank: respondents.flagRank })
      .from(respondents)
      .where(and(eq(respondents.flagRank, 0)));
    const first = await queue(await app.as('verification_assessor'));
    for (const r of rows) expect(first.ids.includes(r.id), r.id).toBe(r.bucket < 50);
    expect(rows.some((r) => r.bucket < 50) && rows.some((r) => r.bucket >= 50)).toBe(true);
    // Stable: asked again, the same queue.
    expect((await queue(app.admin)).ids).toEqual(first.ids);
  });

  it('verify: the status follows, the badge shows, the record leaves the queue, the decision is audited', async () => {
    const assessor = await app.as('verification_assessor');
    const res = await post(assessor, `/api/v1/respondents/${flagged.respondentId}/verification`, {
      decision: 'verified',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'verified',
      verified: true,
      verification: { decision: 'verified', by: assessor.user.id, reason: null },
    });
    expect((await queue(assessor)).ids).not.toContain(flagged.respondentId);
    const detail = await get(app.admin, `/api/v1/respondents/${flagged.respondentId}`);
    expect(detail.json().respondent).toMatchObject({ status: 'verified', verified: true });
    expect(detail.json().respondent.history[0]).toMatchObject({
      action: 'respondent.verified',
      actorId: assessor.user.id,
    });
    // The same decision again changes nothing; a different one is a 409 with the current state.
    const again = await post(assessor, `/api/v1/respondents/${flagged.respondentId}/verification`, {
      decision: 'verified',
    });
    expect(again.statusCode).toBe(200);
    const other = await post(app.admin, `/api/v1/respondents/${flagged.respondentId}/verification`, {
      decision: 'rejected',
      reason: 'Looks fabricated',
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toMatchObject({
      code: 'VERIFICATION_CONFLICT',
      details: { current: { status: 'verified', verification: { decision: 'verified' } } },
    });
    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.targetId, flagged.respondentId),
          inArray(auditLog.action, ['respondent.verified', 'respondent.rejected']),
        ),
      );
    expect(audits).toHaveLength(1);
  });

  it('reject needs a reason (400), up to 1,000 characters; the status becomes rejected', async () => {
    const target = await register(eastEnum, { lga_id: 'oyo_east' });
    const url = `/api/v1/respondents/${target.respondentId}/verification`;
    expect((await post(app.admin, url, { decision: 'rejected' })).statusCode).toBe(400);
    expect((await post(app.admin, url, { decision: 'rejected', reason: '   ' })).statusCode).toBe(400);
    expect((await post(app.admin, url, { decision: 'rejected', reason: 'x'.repeat(1001) })).statusCode).toBe(400);
    expect((await post(app.admin, url, { decision: 'maybe', reason: 'x' })).statusCode).toBe(400);
    expect((await post(app.admin, url, { decision: 'verified', extra: 1 })).statusCode).toBe(400);
    const ok = await post(app.admin, url, { decision: 'rejected', reason: 'y'.repeat(1000) });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'rejected', verified: false, verification: { decision: 'rejected' } });
    const [row] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, target.respondentId));
    expect(row).toMatchObject({ status: 'rejected', verification: 'rejected', verificationReason: 'y'.repeat(1000) });
  });

  it('a record still waiting for its NIN keeps that status when verified; the decision and badge are kept', async () => {
    const pending = await register(northEnum, {}, { deferred: true });
    const res = await post(app.admin, `/api/v1/respondents/${pending.respondentId}/verification`, {
      decision: 'verified',
      reason: 'Met in person',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'pending_nin_capture',
      verified: true,
      verification: { decision: 'verified', reason: 'Met in person' },
    });
  });

  it('two assessors deciding at once, differently: one decision stands, the other is a 409', async () => {
    const target = await register(eastEnum, { lga_id: 'oyo_east' });
    const url = `/api/v1/respondents/${target.respondentId}/verification`;
    const [x, y] = [await app.as('verification_assessor'), await app.as('verification_assessor')];
    const answers = await Promise.all([
      post(x, url, { decision: 'verified' }),
      post(y, url, { decision: 'rejected', reason: 'Duplicate of another record' }),
    ]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = answers.find((r) => r.statusCode === 200)!.json();
    const [row] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, target.respondentId));
    expect(row!.verification).toBe(winner.verification.decision);
    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.targetId, target.respondentId),
          inArray(auditLog.action, ['respondent.verified', 'respondent.rejected']),
        ),
      );
    expect(audits).toHaveLength(1);
  });

  it('only assessors and super admins decide (403); unknown records are 404', async () => {
    for (const s of [
      await app.as('supervisor', { lgaCode: 'ibadan_north' }),
      await app.as('government_official'),
      northEnum,
    ]) {
      expect(
        (await post(s, `/api/v1/respondents/${north.respondentId}/verification`, { decision: 'verified' })).statusCode,
      ).toBe(403);
      expect((await get(s, '/api/v1/verification/queue')).statusCode).toBe(403);
    }
    const missing = await post(app.admin, `/api/v1/respondents/${randomUUID()}/verification`, { decision: 'verified' });
    expect(missing.statusCode).toBe(404);
    expect((await get(app.admin, '/api/v1/verification/queue?band=high')).statusCode).toBe(400);
  });
});

describe('likely duplicates among people without a NIN', () => {
  const pairOf = async (x: string, y: string) => {
    const [a, b] = [x, y].sort();
    const [row] = await app.t.database.db
      .select()
      .from(respondentDuplicates)
      .where(and(eq(respondentDuplicates.respondentA, a!), eq(respondentDuplicates.respondentB, b!)));
    return row;
  };
  const pages = async (s: Session) => {
    const items: { id: string; reasons: string[]; a: { id: string; phone: string }; b: { id: string } }[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(s, `/api/v1/respondents/duplicates?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      items.push(...res.json().items);
      cursor = res.json().nextCursor;
    } while (cursor);
    return items;
  };

  it('same phone (one without NIN) or same name + date of birth + LGA is a pair; two NIN holders never are', async () => {
    const phone = freshPhone();
    const withNin = await register(northEnum, { phone_number: phone });
    const without = await register(northEnum, { phone_number: phone }, { deferred: true });
    expect((await pairOf(withNin.respondentId, without.respondentId))?.reasons).toEqual(['phone']);

    const name = freshName();
    const x = await register(
      northEnum,
      { surname: name, dob: '1985-01-02', lga_id: 'ibadan_north' },
      { deferred: true },
    );
    const y = await register(
      eastEnum,
      { surname: name.toUpperCase(), dob: '1985-01-02', lga_id: 'ibadan_north' },
      { deferred: true },
    );
    expect((await pairOf(x.respondentId, y.respondentId))?.reasons).toEqual(['name_dob_lga']);

    // Same name and birthday in another LGA: not a pair. Two NIN holders sharing a phone: not a pair.
    const z = await register(eastEnum, { surname: name, dob: '1985-01-02', lga_id: 'oyo_east' }, { deferred: true });
    expect(await pairOf(x.respondentId, z.respondentId)).toBeUndefined();
    const shared = freshPhone();
    const n1 = await register(northEnum, { phone_number: shared });
    const n2 = await register(northEnum, { phone_number: shared });
    expect(await pairOf(n1.respondentId, n2.respondentId)).toBeUndefined();

    const listed = await pages(await app.as('verification_assessor'));
    const item = listed.find(
      (p) => [p.a.id, p.b.id].sort().join() === [withNin.respondentId, without.respondentId].sort().join(),
    );
    expect(item).toMatchObject({ reasons: ['phone'] });
    // The phone only as its last digits.
    expect(item!.a.phone).toMatch(/^•+\d{4}$/);
  });

  it('two matching records ingested at the same moment, in two transactions, are still paired', async () => {
    const db = app.t.database.db;
    const a = await register(northEnum, { phone_number: freshPhone() }, { deferred: true });
    const b = await register(northEnum, { phone_number: freshPhone() }, { deferred: true });
    expect(await pairOf(a.respondentId, b.respondentId)).toBeUndefined();
    // Both change to the same phone, each in its own open transaction: the first looks and stays open.
    const shared = `race-${randomUUID()}`;
    const detect = app.t.services.respondents;
    let looked!: () => void;
    const firstLooked = new Promise<void>((r) => (looked = r));
    let commitFirst!: () => void;
    const gate = new Promise<void>((r) => (commitFirst = r));
    const first = db.transaction(async (tx) => {
      await tx.update(respondents).set({ phoneHash: shared }).where(eq(respondents.id, a.respondentId));
      const n = await detect.detectDuplicates(tx, a.respondentId);
      looked();
      await gate;
      return n;
    });
    await firstLooked;
    const second = db.transaction(async (tx) => {
      await tx.update(respondents).set({ phoneHash: shared }).where(eq(respondents.id, b.respondentId));
      return detect.detectDuplicates(tx, b.respondentId);
    });
    // The second waits for the first (a lock on the shared key) rather than looking past it.
    const waiting = async () => {
      for (;;) {
        const r = await db.execute(
          sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`,
        );
        if ((r as unknown as { rows: { n: number }[] }).rows[0]!.n > 0) return 'waiting' as const;
        await new Promise((res) => setImmediate(res));
      }
    };
    const outcome = await Promise.race([second.then(() => 'finished' as const), waiting()]);
    commitFirst();
    expect(await first).toBe(0);
    expect(await second).toBe(1);
    expect(outcome).toBe('waiting');
    expect((await pairOf(a.respondentId, b.respondentId))?.reasons).toEqual(['phone']);
  });

  it('"distinct" removes the pair for good; resolving it again is 409', async () => {
    const phone = freshPhone();
    const a = await register(northEnum, { phone_number: phone }, { deferred: true });
    const b = await register(northEnum, { phone_number: phone }, { deferred: true });
    const pair = (await pairOf(a.respondentId, b.respondentId))!;
    const res = await post(app.admin, `/api/v1/respondents/duplicates/${pair.id}/resolve`, { action: 'distinct' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'distinct', keptId: null, movedSubmissions: 0 });
    expect((await pages(app.admin)).map((p) => p.id)).not.toContain(pair.id);
    // Detection runs again (for the record itself, and for a later registration of the same phone):
    // the pair stays distinct and out of the queue.
    expect(await app.t.services.respondents.detectDuplicates(app.t.database.db, a.respondentId)).toBeGreaterThan(0);
    await register(northEnum, { phone_number: phone }, { deferred: true });
    expect((await pairOf(a.respondentId, b.respondentId))!.status).toBe('distinct');
    expect((await pages(app.admin)).map((p) => p.id)).not.toContain(pair.id);
    const again = await post(app.admin, `/api/v1/respondents/duplicates/${pair.id}/resolve`, {
      action: 'merge',
      keep: a.respondentId,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('DUPLICATE_RESOLVED');
  });

  it('merge keeps every submission on the kept record, marks the other merged (not deleted), audited', async () => {
    const phone = freshPhone();
    const keep = await register(northEnum, { phone_number: phone });
    const gone = await register(northEnum, { phone_number: phone }, { deferred: true });
    const pair = (await pairOf(keep.respondentId, gone.respondentId))!;
    const [before] = await app.t.database.db.select({ n: count() }).from(submissions);

    const wrongKeep = await post(app.admin, `/api/v1/respondents/duplicates/${pair.id}/resolve`, {
      action: 'merge',
      keep: north.respondentId,
    });
    expect(wrongKeep.statusCode).toBe(422);
    expect(wrongKeep.json().error.code).toBe('MERGE_KEEP_INVALID');
    const ninLost = await post(app.admin, `/api/v1/respondents/duplicates/${pair.id}/resolve`, {
      action: 'merge',
      keep: gone.respondentId,
    });
    expect(ninLost.statusCode).toBe(422);
    expect(ninLost.json().error.code).toBe('MERGE_KEEP_NIN');
    expect(
      (await post(app.admin, `/api/v1/respondents/duplicates/${pair.id}/resolve`, { action: 'merge' })).statusCode,
    ).toBe(400);

    const assessor = await app.as('verification_assessor');
    const res = await post(assessor, `/api/v1/respondents/duplicates/${pair.id}/resolve`, {
      action: 'merge',
      keep: keep.respondentId,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'merged', keptId: keep.respondentId, movedSubmissions: 1 });

    const [after] = await app.t.database.db.select({ n: count() }).from(submissions);
    expect(after!.n).toBe(before!.n);
    const kept = await get(app.admin, `/api/v1/respondents/${keep.respondentId}`);
    expect(
      kept
        .json()
        .respondent.submissions.map((s: { id: string }) => s.id)
        .sort(),
    ).toEqual([keep.submissionId, gone.submissionId].sort());
    const merged = await get(app.admin, `/api/v1/respondents/${gone.respondentId}`);
    expect(merged.statusCode).toBe(200);
    expect(merged.json().respondent).toMatchObject({
      status: 'merged',
      mergedInto: keep.respondentId,
      submissions: [],
    });
    expect(merged.json().respondent.history[0]).toMatchObject({
      action: 'respondent.merged',
      actorId: assessor.user.id,
    });
    const audits = await app.t.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.actorId, assessor.user.id),
          inArray(auditLog.action, ['duplicate.merged', 'respondent.merged', 'respondent.merge_kept']),
        ),
      );
    expect(audits.map((a) => a.action).sort()).toEqual([
      'duplicate.merged',
      'respondent.merge_kept',
      'respondent.merged',
    ]);
    // A merged record cannot be decided on.
    const decide = await post(assessor, `/api/v1/respondents/${gone.respondentId}/verification`, {
      decision: 'verified',
    });
    expect(decide.statusCode).toBe(409);
    expect(decide.json().error.code).toBe('RESPONDENT_MERGED');
  });

  it('records older than detection are paired by the scan (npm run duplicates:scan), once', async () => {
    const phone = `+234803${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const ids = [randomUUID(), randomUUID()];
    await app.t.database.db.insert(respondents).values(
      ids.map((id) => ({
        id,
        status: 'imported_unverified',
        source: 'import',
        phoneHash: app.t.runtime.pii.blindIndex(phone, 'phone'),
        phoneSealed: app.t.runtime.pii.seal(phone, 'phone'),
        surname: freshName(),
      })),
    );
    expect(await pairOf(ids[0]!, ids[1]!)).toBeUndefined();
    const repo = new RespondentRepository();
    const first = await scanDuplicates(app.t.database.db, repo, { batch: 7 });
    expect(first.scanned).toBeGreaterThanOrEqual(2);
    const pair = await pairOf(ids[0]!, ids[1]!);
    expect(pair).toMatchObject({ reasons: ['phone'], status: 'open' });
    const [before] = await app.t.database.db.select({ n: count() }).from(respondentDuplicates);
    await scanDuplicates(app.t.database.db, repo);
    const [after] = await app.t.database.db.select({ n: count() }).from(respondentDuplicates);
    expect(after!.n).toBe(before!.n);
  });

  it('only assessors and super admins work the queue (403); unknown pairs 404; unknown filters 400', async () => {
    for (const s of [await app.as('government_official'), await app.as('supervisor'), northEnum]) {
      expect((await get(s, '/api/v1/respondents/duplicates')).statusCode).toBe(403);
      expect(
        (await post(s, `/api/v1/respondents/duplicates/${randomUUID()}/resolve`, { action: 'distinct' })).statusCode,
      ).toBe(403);
    }
    expect(
      (await post(app.admin, `/api/v1/respondents/duplicates/${randomUUID()}/resolve`, { action: 'distinct' }))
        .statusCode,
    ).toBe(404);
    expect((await get(app.admin, '/api/v1/respondents/duplicates?lga=x')).statusCode).toBe(400);
  });
});
