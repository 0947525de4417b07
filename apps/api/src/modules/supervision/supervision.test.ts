import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, submissions } from '../../db/schema/index.js';
import { useTestApp } from '../../../test/use-test-app.js';
import { masterAnswers, publishForm, settled, submissionBody, submit, type Published } from '../../../test/testkit.js';
import type { Session } from '../../../test/harness.js';
import { UserRepository } from '../auth/index.js';
import { SubmissionStats } from '../submissions/index.js';
import { calendarAt } from './calendar.js';
import { SupervisionRepository } from './repository.js';
import { SupervisionService } from './service.js';

/**
 * SPEC "Fraud signals and supervision": supervisors see their team live — submissions today and this
 * week against targets, last sync time, flags — and set targets; enumerators see their own progress.
 */
const app = useTestApp();
let master: Published;

/** Wednesday 2 December 2026, 12:00 West Africa Time. */
const WEDNESDAY_NOON = new Date('2026-12-02T11:00:00Z');

/** A submission row as intake and ingestion would leave it, with the outcome chosen by the test. */
async function row(
  by: string,
  completedAt: Date,
  o: {
    lga?: string;
    status?: 'received' | 'ingested' | 'rejected';
    band?: string;
    gps?: { lat: number; lng: number };
    receivedAt?: Date;
  } = {},
) {
  const id = randomUUID();
  await app.t.database.db.insert(submissions).values({
    id,
    questionnaireVersionId: master.versionId,
    channel: 'enumerator',
    submittedBy: by,
    answers: {},
    startedAt: new Date(completedAt.getTime() - 10 * 60_000),
    completedAt,
    receivedAt: o.receivedAt ?? new Date(completedAt.getTime() + 60_000),
    lgaCode: o.lga ?? 'ibadan_north',
    bodyHash: id,
    status: o.status ?? 'ingested',
    fraudBand: o.band ?? 'clean',
    fraudScore: o.band === 'high' ? 75 : o.band === 'medium' ? 55 : 0,
    gpsLat: o.gps?.lat ?? null,
    gpsLng: o.gps?.lng ?? null,
    gpsAccuracy: o.gps ? 8 : null,
  });
  return id;
}

/** The service on the test app's database with a pinned clock (the week's arithmetic must not depend on today). */
function pinned(now: Date) {
  return new SupervisionService(
    app.t.database.db,
    new SupervisionRepository(),
    new UserRepository(),
    new SubmissionStats(),
    { queueCounts: async () => ({ waiting: 0, active: 0, delayed: 0, failed: 0 }) },
    { alerts: async () => [] },
    null,
    () => now,
  );
}

const actor = (s: Session, lga: string | null) => ({
  kind: 'user' as const,
  id: s.user.id,
  role: s.user.role,
  lgaCode: lga,
  ip: '127.0.0.1',
  requestId: 'test',
});

beforeAll(async () => {
  master = await publishForm(app.t, app.admin);
});

describe('the calendar (West Africa Time, weeks from Monday)', () => {
  it('puts Wednesday noon in a week that began on Monday, and lists the last seven days', () => {
    const c = calendarAt(WEDNESDAY_NOON);
    expect(c.todayStart.toISOString()).toBe('2026-12-01T23:00:00.000Z');
    expect(c.weekStart.toISOString()).toBe('2026-11-29T23:00:00.000Z');
    expect(c.days).toEqual([
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
  });

  it('at 23:30 UTC on a Sunday it is already Monday in Lagos: a new week', () => {
    const c = calendarAt(new Date('2026-12-06T23:30:00Z'));
    expect(c.days.at(-1)).toBe('2026-12-07');
    expect(c.weekStart.toISOString()).toBe('2026-12-06T23:00:00.000Z');
    expect(c.todayStart.toISOString()).toBe('2026-12-06T23:00:00.000Z');
  });

  it('on a Sunday the week reaches back to the Monday before', () => {
    const c = calendarAt(new Date('2026-12-06T12:00:00Z'));
    expect(c.weekStart.toISOString()).toBe('2026-11-29T23:00:00.000Z');
  });
});

describe('team numbers from the submissions stored', () => {
  let sup: Session;
  let e1: Session;
  let e2: Session;
  let other: Session;

  beforeAll(async () => {
    sup = await app.as('supervisor', { lgaCode: 'afijio', fullName: 'Supervisor Afijio' });
    e1 = await app.as('enumerator', { lgaCode: 'afijio', fullName: 'Ade Afijio' });
    e2 = await app.as('enumerator', { lgaCode: 'afijio', fullName: 'Bola Afijio' });
    other = await app.as('enumerator', { lgaCode: 'akinyele', fullName: 'Other Akinyele' });
    const t = (iso: string) => new Date(iso);
    // e1: two today (one flagged high, with GPS), one Monday (medium), one Sunday before the week,
    // one rejected today, one a week ago (outside everything).
    await row(e1.user.id, t('2026-12-02T08:00:00Z'), { band: 'high', gps: { lat: 7.9, lng: 3.9 } });
    // 00:30 WAT on Wednesday is 23:30 UTC on Tuesday: it counts as today.
    await row(e1.user.id, t('2026-12-01T23:30:00Z'), {});
    await row(e1.user.id, t('2026-11-30T09:00:00Z'), { band: 'medium', gps: { lat: 7.8, lng: 3.8 } });
    await row(e1.user.id, t('2026-11-29T10:00:00Z'), {});
    await row(e1.user.id, t('2026-12-02T09:00:00Z'), {
      status: 'rejected',
      receivedAt: t('2026-12-02T10:30:00Z'),
    });
    await row(e1.user.id, t('2026-11-20T10:00:00Z'), {});
    // 23:30 WAT on Tuesday (22:30 UTC): yesterday, not today.
    await row(e2.user.id, t('2026-12-01T22:30:00Z'), { gps: { lat: 7.7, lng: 3.7 } });
    // Another LGA's enumerator: never in this team.
    await row(other.user.id, t('2026-12-02T08:00:00Z'), { lga: 'akinyele', gps: { lat: 7.1, lng: 3.1 } });
  });

  it('counts today, this week, the series, flags, rejections and the last sync per enumerator', async () => {
    const team = await pinned(WEDNESDAY_NOON).team(actor(sup, 'afijio'), {});
    expect(team.lga).toBe('afijio');
    expect(team.weekStart).toBe('2026-11-30');
    expect(team.members.map((m) => m.fullName)).toEqual(['Ade Afijio', 'Bola Afijio']);
    const [a, b] = team.members;
    expect(a).toMatchObject({ id: e1.user.id, today: 2, week: 3, flagged: 2, rejected: 1, returned: 0 });
    // 26 Nov … 2 Dec: the Sunday (29th) counts in the series, not in the week; the rejected one in neither.
    expect(a!.series).toEqual([0, 0, 0, 1, 1, 0, 2]);
    expect(a!.lastSyncAt).toBe('2026-12-02T10:30:00.000Z');
    expect(b).toMatchObject({ id: e2.user.id, today: 0, week: 1, flagged: 0, rejected: 0 });
    expect(b!.series).toEqual([0, 0, 0, 0, 0, 1, 0]);
    expect(team.totals).toEqual({ today: 2, week: 4, flagged: 2, series: [0, 0, 0, 1, 1, 1, 2] });
    // Today's GPS points: only e1's fix of today (Monday's and Tuesday's are not today's).
    expect(team.points).toHaveLength(1);
    expect(team.points[0]).toMatchObject({ enumeratorId: e1.user.id, lat: 7.9, lng: 3.9, band: 'high' });
  });

  it('a target set for an enumerator comes back with the team', async () => {
    const svc = pinned(WEDNESDAY_NOON);
    await svc.setTarget(actor(sup, 'afijio'), e2.user.id, { daily: 8, weekly: 40 });
    const team = await svc.team(actor(sup, 'afijio'), {});
    expect(team.members.find((m) => m.id === e2.user.id)!.target).toEqual({ daily: 8, weekly: 40 });
    expect(team.members.find((m) => m.id === e1.user.id)!.target).toBeNull();
  });

  it("the enumerator's own progress uses the same numbers", async () => {
    const p = await pinned(WEDNESDAY_NOON).progress(actor(e1, 'afijio'));
    expect(p).toMatchObject({ today: 2, week: 3, rejected: 1, returned: 0, target: null });
    expect(p.series).toEqual([0, 0, 0, 1, 1, 0, 2]);
  });
});

describe('GET /supervision/team', () => {
  let sup: Session;
  let enumerator: Session;

  beforeAll(async () => {
    sup = await app.as('supervisor', { lgaCode: 'atiba' });
    enumerator = await app.as('enumerator', { lgaCode: 'atiba', fullName: 'Atiba Enumerator' });
    await app.as('enumerator', { lgaCode: 'atisbo', fullName: 'Atisbo Enumerator' });
  });

  const team = (s: Session, qs = '') => app.call(s, { method: 'GET', url: `/api/v1/supervision/team${qs}` });

  it("counts a survey sent through the real intake today, in the supervisor's own LGA only", async () => {
    const before = await team(sup);
    expect(before.statusCode, before.body).toBe(200);
    const mine = () => before.json().members.find((m: { id: string }) => m.id === enumerator.user.id);
    expect(mine()).toMatchObject({ today: 0, lastSyncAt: null });
    expect(before.json().members.map((m: { fullName: string }) => m.fullName)).toEqual(['Atiba Enumerator']);

    const body = submissionBody(master.versionId, {
      completedAt: new Date(Date.now() - 60_000),
      answers: masterAnswers({ lga_id: 'atiba' }),
      gps: { lat: 8.2, lng: 4.1, accuracy: 5 },
    });
    expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
    await settled(app.t, [body.id]);

    const after = await team(sup);
    const m = after.json().members.find((x: { id: string }) => x.id === enumerator.user.id);
    expect(m.today).toBe(1);
    expect(m.week).toBe(1);
    expect(m.lastSyncAt).not.toBeNull();
    expect(after.json().points.map((p: { submissionId: string }) => p.submissionId)).toContain(body.id);
    expect(after.json().tileUrl).toBeNull();
  });

  it('records the view in the audit log (respondent locations are personal data)', async () => {
    await team(sup);
    const rows = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorId, sup.user.id), eq(auditLog.action, 'supervision.team_viewed')));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]!.targetId).toBe('atiba');
  });

  it("another LGA is out of a supervisor's scope: 404, exactly like a missing record", async () => {
    const res = await team(sup, '?lga=atisbo');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    expect((await team(sup, '?lga=atiba')).statusCode).toBe(200);
  });

  it('a super admin picks any LGA, or sees every LGA without one', async () => {
    const one = await team(app.admin, '?lga=atisbo');
    expect(one.statusCode).toBe(200);
    expect(one.json().members.map((m: { fullName: string }) => m.fullName)).toEqual(['Atisbo Enumerator']);
    const all = await team(app.admin);
    const names = all.json().members.map((m: { fullName: string }) => m.fullName);
    expect(names).toEqual(expect.arrayContaining(['Atisbo Enumerator', 'Atiba Enumerator']));
    expect(all.json().lga).toBeNull();
  });

  it('unknown LGAs and unknown filters are refused (400)', async () => {
    expect((await team(app.admin, '?lga=atlantis')).statusCode).toBe(400);
    const unknown = await team(app.admin, '?sort=name');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('enumerators, assessors and officials may not open it (403)', async () => {
    for (const role of ['enumerator', 'verification_assessor', 'government_official'] as const) {
      const res = await team(await app.as(role));
      expect(res.statusCode, role).toBe(403);
    }
  });
});

describe('PUT /staff/:id/target', () => {
  let sup: Session;
  let mine: Session;
  let elsewhere: Session;

  beforeAll(async () => {
    sup = await app.as('supervisor', { lgaCode: 'egbeda' });
    mine = await app.as('enumerator', { lgaCode: 'egbeda' });
    elsewhere = await app.as('enumerator', { lgaCode: 'ido' });
  });

  const put = (s: Session, id: string, payload: unknown) =>
    app.call(s, { method: 'PUT', url: `/api/v1/staff/${id}/target`, payload: payload as object });

  it('a supervisor sets their enumerator’s targets; the change is audited with before and after', async () => {
    const first = await put(sup, mine.user.id, { daily: 10, weekly: 50 });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ enumeratorId: mine.user.id, target: { daily: 10, weekly: 50 } });
    const second = await put(sup, mine.user.id, { daily: 12, weekly: 60 });
    expect(second.json().target).toEqual({ daily: 12, weekly: 60 });

    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, mine.user.id), eq(auditLog.action, 'staff.target_set')));
    expect(audits).toHaveLength(2);
    const last = audits.find((a) => (a.after as { daily: number }).daily === 12)!;
    expect(last.before).toEqual({ daily: 10, weekly: 50 });
    expect(last.actorId).toBe(sup.user.id);

    const progress = await app.call(mine, { method: 'GET', url: '/api/v1/me/progress' });
    expect(progress.statusCode, progress.body).toBe(200);
    expect(progress.json().target).toEqual({ daily: 12, weekly: 60 });
  });

  it("another LGA's enumerator, a non-enumerator and a missing id all answer 404 alike", async () => {
    const other = await put(sup, elsewhere.user.id, { daily: 5, weekly: 25 });
    const missing = await put(sup, randomUUID(), { daily: 5, weekly: 25 });
    const aSupervisor = await put(sup, sup.user.id, { daily: 5, weekly: 25 });
    for (const res of [other, missing, aSupervisor]) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual(missing.json());
    }
  });

  it('a super admin sets any enumerator’s targets', async () => {
    const res = await put(app.admin, elsewhere.user.id, { daily: 6, weekly: 30 });
    expect(res.statusCode, res.body).toBe(200);
    // …but a target is for enumerators only.
    expect((await put(app.admin, sup.user.id, { daily: 6, weekly: 30 })).statusCode).toBe(404);
  });

  it('bounds: whole numbers, 0–100 a day, 0–700 a week, the week not below a day nor above seven days', async () => {
    const bad = [
      { daily: -1, weekly: 10 },
      { daily: 101, weekly: 200 },
      { daily: 10, weekly: 701 },
      { daily: 10, weekly: 5 },
      { daily: 10, weekly: 71 },
      { daily: 2.5, weekly: 10 },
      { daily: '10', weekly: 50 },
      { daily: 10 },
      { daily: 10, weekly: 50, monthly: 200 },
    ];
    for (const payload of bad) {
      const res = await put(sup, mine.user.id, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await put(sup, mine.user.id, { daily: 0, weekly: 0 })).statusCode).toBe(200);
    expect((await put(sup, mine.user.id, { daily: 100, weekly: 700 })).statusCode).toBe(200);
  });

  it('enumerators and other roles may not set targets (403)', async () => {
    for (const s of [mine, await app.as('verification_assessor'), await app.as('data_entry_clerk')]) {
      expect((await put(s, mine.user.id, { daily: 1, weekly: 5 })).statusCode).toBe(403);
    }
  });
});

describe('GET /admin/overview', () => {
  it("gives the super admin today's submissions, flagged work waiting, the queue and alerts", async () => {
    const e = await app.as('enumerator', { lgaCode: 'irepo' });
    const get = () => app.call(app.admin, { method: 'GET', url: '/api/v1/admin/overview' });
    const before = (await get()).json();
    const now = Date.now();
    await row(e.user.id, new Date(now - 60_000), { lga: 'irepo', band: 'high' });
    await row(e.user.id, new Date(now - 120_000), { lga: 'irepo', band: 'medium' });
    await row(e.user.id, new Date(now - 180_000), { lga: 'irepo', status: 'received' });
    const res = await get();
    expect(res.statusCode, res.body).toBe(200);
    const after = res.json();
    expect(after.submissions.today - before.submissions.today).toBe(3);
    expect(after.flaggedWaiting - before.flaggedWaiting).toBe(2);
    expect(after.submissions.pendingIngest - before.submissions.pendingIngest).toBe(1);
    expect(after.queue).toMatchObject({ waiting: expect.any(Number), failed: expect.any(Number) });
    expect(Array.isArray(after.alerts)).toBe(true);
  });

  it('is for super admins only', async () => {
    const res = await app.call(await app.as('supervisor'), { method: 'GET', url: '/api/v1/admin/overview' });
    expect(res.statusCode).toBe(403);
  });
});
