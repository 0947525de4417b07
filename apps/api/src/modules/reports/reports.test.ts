import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eq, sql } from 'drizzle-orm';
import { mailOutbox } from '../../db/schema/index.js';
import { CHANNELS, RESPONDENT_STATUSES, SKILLS, lagosDay, type Answers, type ReportSubject } from '@oslrs/core';
import { rowsOf } from '../../infra/db.js';
import { useTestApp } from '../../../test/use-test-app.js';
import {
  masterAnswerSets,
  publishForm,
  settled,
  submissionBody,
  submit,
  type Published,
} from '../../../test/testkit.js';
import type { Session } from '../../../test/harness.js';
import { RespondentRepository } from '../respondents/index.js';
import { ensureRollups, rebuildRollups, recordRespondent } from './index.js';

/**
 * Issue 11: the report summary is computed from rollups that ingestion maintains. Property-style:
 * random submissions go in through the real intake and ingestion, then for random filter
 * combinations the summary equals a direct (slow) count over respondents.
 */
const app = useTestApp();
let master: Published;
let enumerator: Session;
let clerk: Session;

const LGAS_USED = ['ibadan_north', 'oyo_east', 'saki_west', 'iseyin'];
const EMP = ['wage_public', 'wage_private', 'self_employed', 'contractor', 'family_unpaid', 'apprentice'];
let ninSeq = Date.now() % 1_000_000;
const nin = () => `6${String(++ninSeq).padStart(10, '0')}`;

const personArb = fc.record({
  set: fc.constantFrom(0, 1, 2),
  gender: fc.constantFrom('male', 'female', 'other'),
  dob: fc.date({ min: new Date('1950-01-01'), max: new Date('2008-01-01'), noInvalidDate: true }),
  lga: fc.constantFrom(...LGAS_USED),
  emp: fc.constantFrom(...EMP),
  skills: fc.uniqueArray(fc.constantFrom(...SKILLS.map((s) => s.slug)), { minLength: 1, maxLength: 4 }),
  clerk: fc.boolean(),
  deferred: fc.boolean(),
});
type Person = typeof personArb extends fc.Arbitrary<infer T> ? T : never;

function answersOf(p: Person): Answers {
  const a: Answers = { ...masterAnswerSets()[p.set]!, gender: p.gender, lga_id: p.lga, skills_possessed: p.skills };
  if (p.set !== 2) a.dob = p.dob.toISOString().slice(0, 10);
  if (p.set === 0) a.employment_type = p.emp;
  if (p.deferred) delete a.nin;
  else a.nin = nin();
  return a;
}

/** The direct count, straight from respondents (the slow query the rollups must agree with). */
const SECTOR_VALUES = sql.raw(SKILLS.map((s) => `('${s.slug}', '${s.sector}')`).join(', '));
interface Filter {
  from?: string;
  to?: string;
  lga?: string;
  channel?: string;
  status?: string;
}
async function slow(filter: Filter) {
  const day = sql`(r.created_at at time zone 'Africa/Lagos')::date`;
  const where = sql.join(
    [
      sql`true`,
      filter.from ? sql`${day} >= ${filter.from}::date` : sql`true`,
      filter.to ? sql`${day} <= ${filter.to}::date` : sql`true`,
      filter.lga ? sql`r.lga_code = ${filter.lga}` : sql`true`,
      filter.channel ? sql`r.source = ${filter.channel}` : sql`true`,
      filter.status ? sql`r.status = ${filter.status}` : sql`true`,
    ],
    sql` and `,
  );
  const db = app.t.database.db;
  const q = async (select: ReturnType<typeof sql>) =>
    Object.fromEntries(
      rowsOf<{ key: string; n: number }>(await db.execute(select)).map((r) => [r.key, Number(r.n)]),
    ) as Record<string, number>;
  const group = (expr: ReturnType<typeof sql>) =>
    q(sql`select ${expr} as key, count(*)::int as n from respondents r where ${where} group by 1`);
  const [total] = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from respondents r where ${where}`),
  );
  return {
    total: Number(total!.n),
    byLga: await group(sql`coalesce(r.lga_code, 'unknown')`),
    byChannel: await group(sql`r.source`),
    byStatus: await group(sql`r.status`),
    byGender: await group(sql`case when r.gender in ('male', 'female', 'other') then r.gender else 'unknown' end`),
    byEmploymentType: await group(sql`coalesce(r.employment_type, 'none')`),
    byAgeBand: await group(sql`case when r.dob is null then 'unknown'
      else (select case when a < 15 then 'under_15' when a < 25 then '15_24' when a < 35 then '25_34'
        when a < 45 then '35_44' when a < 55 then '45_54' when a < 65 then '55_64' else '65_plus' end
        from (select extract(year from age(${day}, r.dob))::int as a) x) end`),
    bySector: await q(sql`select coalesce(m.sector, 'other') as key, count(distinct r.id)::int as n
        from respondents r cross join lateral unnest(r.skills) k(slug)
        left join (values ${SECTOR_VALUES}) m(slug, sector) on m.slug = k.slug where ${where} group by 1`),
    bySkill: await q(sql`select k.slug as key, count(distinct r.id)::int as n
        from respondents r cross join lateral unnest(r.skills) k(slug) where ${where} group by 1`),
  };
}

const asMap = (list: { key: string; count: number }[]) => Object.fromEntries(list.map((c) => [c.key, c.count]));
const summary = (s: Session, query: Record<string, string | undefined>) =>
  app.call(s, {
    method: 'GET',
    url: '/api/v1/reports/summary',
    query: Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Record<string, string>,
  });

async function expectAgrees(filter: Filter) {
  const res = await summary(app.admin, filter as Record<string, string>);
  expect(res.statusCode, res.body).toBe(200);
  const got = res.json();
  const want = await slow(filter);
  const ctx = JSON.stringify(filter);
  expect(got.total, ctx).toBe(want.total);
  expect(asMap(got.byLga), ctx).toEqual(want.byLga);
  expect(asMap(got.byChannel), ctx).toEqual(want.byChannel);
  expect(asMap(got.byStatus), ctx).toEqual(want.byStatus);
  expect(asMap(got.byGender), ctx).toEqual(want.byGender);
  expect(asMap(got.byEmploymentType), ctx).toEqual(want.byEmploymentType);
  expect(asMap(got.byAgeBand), ctx).toEqual(want.byAgeBand);
  expect(asMap(got.bySector), ctx).toEqual(want.bySector);
  // Top 20 skills: each listed skill's count is right, and nothing unlisted outnumbers the last one.
  const skills = got.bySkill as { key: string; count: number }[];
  expect(skills.length, ctx).toBe(Math.min(20, Object.keys(want.bySkill).length));
  for (const s of skills) expect(s.count, `${ctx} ${s.key}`).toBe(want.bySkill[s.key]);
  const floor = skills.at(-1)?.count ?? 0;
  const listed = new Set(skills.map((s) => s.key));
  for (const [k, n] of Object.entries(want.bySkill)) if (!listed.has(k)) expect(n, k).toBeLessThanOrEqual(floor);
  expect(
    got.overTime.reduce((a: number, p: { count: number }) => a + p.count, 0),
    ctx,
  ).toBe(want.total);
}

async function rollupSnapshot() {
  return rowsOf<Record<string, unknown>>(
    await app.t.database.db.execute(
      sql`select lga, channel, status, grain, period::text, dim, key, count from report_rollups where count <> 0
           order by lga, channel, status, grain, period, dim, key`,
    ),
  );
}
const rebuild = () => {
  const repo = new RespondentRepository();
  return rebuildRollups(app.t.database.db, (executor, onPage) => repo.forEachReportSubject(executor, onPage));
};

const filterArb = (days: fc.Arbitrary<string>) =>
  fc
    .record(
      {
        from: days,
        to: days,
        lga: fc.constantFrom(...LGAS_USED, 'ogo_oluwa'),
        channel: fc.constantFrom(...CHANNELS),
        status: fc.constantFrom(...RESPONDENT_STATUSES),
      },
      { requiredKeys: [] },
    )
    .map((f) => (f.from && f.to && f.from > f.to ? { ...f, from: f.to, to: f.from } : f));

beforeAll(async () => {
  master = await publishForm(app.t, app.admin);
  enumerator = await app.as('enumerator', { lgaCode: 'ibadan_north' });
  clerk = await app.as('data_entry_clerk');
  const people = fc.sample(personArb, { numRuns: 40, seed: 11 });
  const ids: string[] = [];
  for (const p of people) {
    const body = submissionBody(master.versionId, { answers: answersOf(p), ninDeferred: p.deferred });
    const res = await submit(app.t, p.clerk ? clerk : enumerator, body);
    expect(res.statusCode, res.body).toBe(202);
    ids.push(body.id);
  }
  const rows = await settled(app.t, ids, 60_000);
  expect(rows.filter((r) => r.status === 'ingested').length).toBeGreaterThan(30);
}, 120_000);

describe('report summary from the rollups ingestion maintains', () => {
  it('agrees with a direct count over respondents, unfiltered and for random filter combinations', async () => {
    await expectAgrees({});
    const today = lagosDay(new Date());
    const near = fc.constantFrom(
      today,
      lagosDay(new Date(Date.now() - 86_400_000)),
      lagosDay(new Date(Date.now() + 86_400_000)),
    );
    await fc.assert(
      fc.asyncProperty(filterArb(near), (f) => expectAgrees(f)),
      { numRuns: 40, seed: 7 },
    );
  });

  it('keeps the rollups exactly what a rebuild from respondents computes (incremental = rebuild)', async () => {
    const incremental = await rollupSnapshot();
    expect(incremental.length).toBeGreaterThan(100);
    await rebuild();
    expect(await rollupSnapshot()).toEqual(incremental);
  });

  it('at start, a registry without rollups (just migrated) gets them built once from its respondents', async () => {
    const before = await rollupSnapshot();
    const repo = new RespondentRepository();
    const subjects = (
      executor: Parameters<typeof repo.forEachReportSubject>[0],
      onPage: (p: ReportSubject[]) => void,
    ) => repo.forEachReportSubject(executor, onPage);
    expect(await ensureRollups(app.t.database.db, subjects)).toBeNull(); // not empty: left alone
    await app.t.database.db.execute(sql`delete from report_rollups`);
    const built = await ensureRollups(app.t.database.db, subjects);
    expect(built!.respondents).toBeGreaterThan(30);
    expect(await rollupSnapshot()).toEqual(before);
  });

  it('completing a deferred NIN (pending_nin_capture → active) moves the count at once, as a rebuild would', async () => {
    const email = `deferred.${Date.now()}@reports.test`;
    const before = (await summary(app.admin, {})).json();
    const body = submissionBody(master.versionId, {
      answers: { ...answersOf({ ...fc.sample(personArb, { numRuns: 1, seed: 99 })[0]!, deferred: true }), email },
      ninDeferred: true,
    });
    expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
    expect((await settled(app.t, [body.id]))[0]!.status).toBe('ingested');
    const pending = (await summary(app.admin, {})).json();
    expect(asMap(pending.byStatus).pending_nin_capture).toBe((asMap(before.byStatus).pending_nin_capture ?? 0) + 1);
    const [mail] = await app.t.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, email));
    const token = new URL(/(http\S+complete-nin\?token=\S+)/.exec(mail!.body!)![1]!).searchParams.get('token')!;
    const done = await app.call(null, {
      method: 'POST',
      url: '/api/v1/respondents/complete-nin',
      payload: { token, nin: nin() },
    });
    expect(done.statusCode, done.body).toBe(200);
    const after = (await summary(app.admin, {})).json();
    expect(after.total).toBe(pending.total);
    expect(asMap(after.byStatus).pending_nin_capture ?? 0).toBe(asMap(before.byStatus).pending_nin_capture ?? 0);
    expect(asMap(after.byStatus).active).toBe((asMap(pending.byStatus).active ?? 0) + 1);
    const incremental = await rollupSnapshot();
    await rebuild();
    expect(await rollupSnapshot()).toEqual(incremental);
  });

  it("an assessor's decisions move the count (active → verified, → rejected) at once, as a rebuild would", async () => {
    const before = (await summary(app.admin, {})).json();
    const listed = await app.call(app.admin, { method: 'GET', url: '/api/v1/respondents?status=active&limit=2' });
    const active = (listed.json() as { items: { id: string }[] }).items;
    expect(active).toHaveLength(2);
    const assessor = await app.as('verification_assessor');
    const decide = (id: string, body: object) =>
      app.call(assessor, { method: 'POST', url: `/api/v1/respondents/${id}/verification`, payload: body });
    expect((await decide(active[0]!.id, { decision: 'verified' })).statusCode).toBe(200);
    expect(
      (await decide(active[1]!.id, { decision: 'rejected', reason: 'No such person at the address' })).statusCode,
    ).toBe(200);
    const after = (await summary(app.admin, {})).json();
    expect(after.total).toBe(before.total);
    expect(asMap(after.byStatus).active).toBe(asMap(before.byStatus).active! - 2);
    expect(asMap(after.byStatus).verified).toBe((asMap(before.byStatus).verified ?? 0) + 1);
    expect(asMap(after.byStatus).rejected).toBe((asMap(before.byStatus).rejected ?? 0) + 1);
    const incremental = await rollupSnapshot();
    await rebuild();
    expect(await rollupSnapshot()).toEqual(incremental);
  });

  it('a status change through recordRespondent moves the count between statuses, total unchanged', async () => {
    const before = (await summary(app.admin, {})).json();
    const subject = {
      createdAt: new Date(),
      lgaCode: 'iseyin',
      source: 'enumerator',
      status: 'pending_nin_capture',
      gender: 'female',
      dob: '1980-01-01',
      employmentType: null,
      skills: ['welding', 'adire_dyeing'],
    };
    await app.t.database.db.transaction(async (tx) => {
      await recordRespondent(tx, null, subject);
      await recordRespondent(tx, subject, { ...subject, status: 'active' });
    });
    const after = (await summary(app.admin, {})).json();
    expect(after.total).toBe(before.total + 1);
    expect(asMap(after.byStatus).active).toBe((asMap(before.byStatus).active ?? 0) + 1);
    expect(asMap(after.byStatus).pending_nin_capture ?? 0).toBe(asMap(before.byStatus).pending_nin_capture ?? 0);
    // A skill outside the taxonomy is counted, visibly, under "other".
    expect(asMap(after.bySector).other).toBe((asMap(before.bySector).other ?? 0) + 1);
    await rebuild(); // back to what respondents say (the subject above was never a respondent)
    expect((await summary(app.admin, {})).json().total).toBe(before.total);
  });

  it('a `to` before the first registration of the filtered cell counts nothing (not that first month)', async () => {
    const subject = {
      // On the first of its month: the old range fell back to [first month, first month], this very day.
      createdAt: new Date('2026-03-01T10:00:00Z'),
      lgaCode: 'saki_east',
      source: 'import',
      status: 'imported_unverified',
      gender: 'male',
      dob: '1985-01-01',
      employmentType: null,
      skills: ['welding'],
    };
    await app.t.database.db.transaction((tx) => recordRespondent(tx, null, subject));
    const cell = { lga: 'saki_east', channel: 'import' };
    expect((await summary(app.admin, { ...cell, to: '2026-02-28' })).json().total).toBe(0);
    expect((await summary(app.admin, { ...cell, to: '2026-01-15' })).json().total).toBe(0);
    expect((await summary(app.admin, { ...cell, to: '2026-03-01' })).json().total).toBe(1);
    await rebuild(); // back to what respondents say (the subject was never a respondent)
  });

  it('agrees across years: registrations spread over 500 days, rebuilt, random date ranges (months + edge days)', async () => {
    await app.t.database.db.execute(
      sql`update respondents set created_at = now() - (abs(hashtext(id::text)) % 500) * interval '1 day' - (abs(hashtext(id::text || 'h')) % 24) * interval '1 hour'`,
    );
    await rebuild();
    // Range ends on, just before and just after real registration days, and on month boundaries.
    const days = rowsOf<{ d: string }>(
      await app.t.database.db.execute(
        sql`select distinct ((created_at at time zone 'Africa/Lagos')::date)::text as d from respondents`,
      ),
    ).map((r) => r.d);
    const shift = (d: string, n: number) =>
      new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const day = fc.oneof(
      fc.tuple(fc.constantFrom(...days), fc.constantFrom(-1, 0, 0, 1)).map(([d, n]) => shift(d, n)),
      fc.constantFrom(...days).map((d) => `${d.slice(0, 8)}01`),
      fc.constantFrom(...days).map((d) => shift(`${d.slice(0, 8)}01`, -1)),
    );
    await expectAgrees({});
    await fc.assert(
      fc.asyncProperty(filterArb(day), (f) => expectAgrees(f)),
      { numRuns: 150, seed: 3 },
    );
  });
});

describe('who sees what', () => {
  it('officials and assessors read statewide; a supervisor reads only their LGA, another LGA is 404', async () => {
    const all = (await summary(app.admin, {})).json();
    for (const role of ['government_official', 'verification_assessor'] as const) {
      const res = await summary(await app.as(role), {});
      expect(res.statusCode, role).toBe(200);
      expect(res.json().total).toBe(all.total);
    }
    const sup = await app.as('supervisor', { lgaCode: 'oyo_east' });
    const own = await summary(sup, {});
    expect(own.statusCode).toBe(200);
    const want = await slow({ lga: 'oyo_east' });
    expect(own.json().total).toBe(want.total);
    expect(own.json().filters.lga).toBe('oyo_east');
    expect(own.json().byLga.map((c: { key: string }) => c.key)).toEqual(want.total ? ['oyo_east'] : []);
    expect((await summary(sup, { lga: 'oyo_east' })).statusCode).toBe(200);
    const other = await summary(sup, { lga: 'ibadan_north' });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('NOT_FOUND');
  });

  it('field staff and residents may not read reports (403)', async () => {
    expect((await summary(enumerator, {})).statusCode).toBe(403);
    expect((await summary(clerk, {})).statusCode).toBe(403);
    expect((await summary(null as unknown as Session, {})).statusCode).toBe(401);
  });
});

describe('bad input', () => {
  it.each([
    [{ lga: 'atlantis' }, 'lga'],
    [{ channel: 'carrier_pigeon' }, 'channel'],
    [{ status: 'asleep' }, 'status'],
    [{ from: '2026-02-30' }, 'from'],
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2026-05-02', to: '2026-05-01' }, 'from'],
    [{ from: '1920-01-01', to: '2020-01-01' }, 'to'],
    [{ from: '1920-01-01' }, 'from'],
    [{ colour: 'blue' }, 'colour'],
  ])('%j → 400 VALIDATION_FAILED', async (query, field) => {
    const res = await summary(app.admin, query as Record<string, string>);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.json().error.details ?? res.json().error.message)).toContain(field);
  });

  it('a range with nothing in it is an empty report, not an error', async () => {
    const res = await summary(app.admin, { from: '2001-01-01', to: '2001-12-31' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ total: 0, overTime: [], byLga: [], bySkill: [] });
  });
});
