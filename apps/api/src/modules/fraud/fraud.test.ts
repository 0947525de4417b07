import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { DEFAULT_FRAUD_THRESHOLDS, type FormSchema, type FraudThresholds } from '@oslrs/core';
import { auditLog, submissions } from '../../db/schema/index.js';
import type { Session } from '../../../test/harness.js';
import {
  MASTER_FORM,
  freshNin,
  masterAnswerSets,
  masterAnswers,
  publishForm,
  settled,
  submissionBody,
  submit,
  submitBatch,
  type BodyOptions,
  type Published,
} from '../../../test/testkit.js';
import { useTestApp } from '../../../test/use-test-app.js';
import { FraudService } from './service.js';
import { SubmissionRepository } from '../submissions/index.js';
import { band, haversineMetres, isOffHours, similarity, straightLined, watHour } from './signals.js';
import { fraudSummary, reasonText, signal, signalOf } from './reasons.js';

// ---------------------------------------------------------------------------------------------
// Pure signal functions
// ---------------------------------------------------------------------------------------------

describe('signals (unit)', () => {
  it('haversine: zero for one point, ~111.2 km per degree of latitude, symmetric, ~50 m for a small step', () => {
    const ibadan = { lat: 7.3775, lng: 3.947 };
    expect(haversineMetres(ibadan, ibadan)).toBe(0);
    expect(haversineMetres({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })).toBeCloseTo(111_195, -1);
    expect(haversineMetres({ lat: 0, lng: 0 }, { lat: 0, lng: 1 })).toBeCloseTo(111_195, -1);
    const lagos = { lat: 6.5244, lng: 3.3792 };
    const d = haversineMetres(ibadan, lagos);
    expect(d).toBeGreaterThan(110_000);
    expect(d).toBeLessThan(125_000);
    expect(haversineMetres(lagos, ibadan)).toBeCloseTo(d, 6);
    expect(haversineMetres(ibadan, { lat: ibadan.lat + 0.00045, lng: ibadan.lng })).toBeCloseTo(50, 0);
    // Antipodes: half the circumference, no NaN from rounding.
    expect(haversineMetres({ lat: 0, lng: 0 }, { lat: 0, lng: 180 })).toBeCloseTo(Math.PI * 6_371_000, -1);
  });

  it('watHour is UTC+1 all year, wrapping at midnight', () => {
    expect(watHour(new Date('2026-01-15T22:30:00Z'))).toBe(23);
    expect(watHour(new Date('2026-07-15T22:30:00Z'))).toBe(23);
    expect(watHour(new Date('2026-07-15T23:30:00Z'))).toBe(0);
    expect(watHour(new Date('2026-07-15T00:00:00Z'))).toBe(1);
    expect(watHour(new Date('2026-07-15T10:59:59Z'))).toBe(11);
  });

  it('isOffHours handles a window across midnight and a window within a day', () => {
    const night = DEFAULT_FRAUD_THRESHOLDS.offHours; // 23:00–05:00 WAT
    const at = (hhmm: string) => new Date(`2026-03-10T${hhmm}:00Z`);
    expect(isOffHours(at('21:59'), night)).toBe(false); // 22:59 WAT
    expect(isOffHours(at('22:00'), night)).toBe(true); // 23:00 WAT
    expect(isOffHours(at('22:30'), night)).toBe(true); // 23:30 WAT
    expect(isOffHours(at('23:30'), night)).toBe(true); // 00:30 WAT
    expect(isOffHours(at('03:59'), night)).toBe(true); // 04:59 WAT
    expect(isOffHours(at('04:00'), night)).toBe(false); // 05:00 WAT
    expect(isOffHours(at('11:00'), night)).toBe(false);
    const siesta = { ...night, startHourWat: 13, endHourWat: 15 };
    expect(isOffHours(at('11:59'), siesta)).toBe(false); // 12:59 WAT
    expect(isOffHours(at('12:00'), siesta)).toBe(true); // 13:00
    expect(isOffHours(at('13:59'), siesta)).toBe(true); // 14:59
    expect(isOffHours(at('14:00'), siesta)).toBe(false); // 15:00
    expect(isOffHours(at('23:30'), siesta)).toBe(false);
  });

  const likert: FormSchema = {
    formId: 'likert',
    title: 'Likert',
    sections: [
      {
        name: 's',
        questions: [
          ...['q1', 'q2', 'q3', 'q4', 'q5', 'q6'].map((name) => ({
            name,
            type: 'select_one' as const,
            label: name,
            choiceList: 'agree',
          })),
          { name: 'colour', type: 'select_one', label: 'Colour', choiceList: 'colours' },
          { name: 'note1', type: 'note', label: 'Note' },
          { name: 'started', type: 'start' },
          { name: 'device', type: 'deviceid' },
          { name: 'score', type: 'calculate', calculation: '1' },
          { name: 'tags', type: 'select_multiple', label: 'Tags', choiceList: 'colours' },
        ],
      },
    ],
    choiceLists: {
      agree: [
        { name: 'a', label: 'Agree' },
        { name: 'd', label: 'Disagree' },
      ],
      colours: [
        { name: 'red', label: 'Red' },
        { name: 'blue', label: 'Blue' },
      ],
    },
  };
  const sl = DEFAULT_FRAUD_THRESHOLDS.straightLining; // ≥ 5 questions, ≥ 80 % the same

  it('straightLined: ≥ 5 answers on one list with ≥ 80 % the same; fewer answers or more variety is fine', () => {
    expect(straightLined(likert, { q1: 'a', q2: 'a', q3: 'a', q4: 'a', q5: 'a' }, sl)).toEqual({
      same: 5,
      total: 5,
      list: 'agree',
    });
    expect(straightLined(likert, { q1: 'a', q2: 'a', q3: 'a', q4: 'a', q5: 'd' }, sl)).toEqual({
      same: 4,
      total: 5,
      list: 'agree',
    });
    expect(straightLined(likert, { q1: 'a', q2: 'a', q3: 'a', q4: 'd', q5: 'd' }, sl)).toBeNull();
    expect(straightLined(likert, { q1: 'a', q2: 'a', q3: 'a', q4: 'a', q5: 'd', q6: 'd' }, sl)).toBeNull(); // 4/6 = 67 %
    expect(straightLined(likert, { q1: 'a', q2: 'a', q3: 'a', q4: 'a' }, sl)).toBeNull(); // only 4
    // Blank answers and other lists do not count towards the five.
    expect(straightLined(likert, { q1: 'a', q2: 'a', q3: 'a', q4: 'a', q5: '', colour: 'red' }, sl)).toBeNull();
    expect(
      straightLined(likert, { q1: 'a', q2: 'a', q3: 'a', q4: 'a', q5: 'a' }, { ...sl, minQuestions: 6 }),
    ).toBeNull();
  });

  it('reasons: each signal is stored as its English sentence and read back as the same code and numbers', () => {
    const all = [
      signal('gps_accuracy', { accuracy: 120, max: 50 }),
      signal('gps_cluster', { count: 3, radius: 50, hours: 4 }),
      signal('gps_speed', { kmh: 200 }),
      signal('gps_other_collector', { radius: 5 }),
      signal('speed_run_median', { seconds: 100, median: 600 }),
      signal('speed_run_floor', { seconds: 20, answers: 38 }),
      signal('straight_lining', { same: 7, total: 7, list: 'yes_no' }),
      signal('near_duplicate', { percent: 97 }),
      signal('out_of_area', { lga: 'atiba', assigned: 'ibadan_north' }),
      signal('off_hours', { time: '23:30' }),
      signal('same_phone', { count: 3, days: 30 }),
    ];
    expect(new Set(all.map((x) => x.code)).size).toBe(11);
    for (const x of all) expect(signalOf(reasonText(x)), reasonText(x)).toEqual(x);
    // The sentences are the ones stored since scoring began (surveys scored before codes read the same).
    expect(signalOf('gps: GPS accuracy 120 m is worse than 50 m')).toEqual(all[0]);
    expect(signalOf('off-hours: completed at 04:59 WAT')).toEqual(signal('off_hours', { time: '04:59' }));
    expect(reasonText(all[6]!)).toBe('straight-lining: 7 of 7 answers on list "yes_no" are the same');
    // Anything else is kept as written, never dropped.
    expect(signalOf('speed-run: 40 s for 60 questions')).toEqual({
      code: 'text',
      params: { text: 'speed-run: 40 s for 60 questions' },
    });
    expect(fraudSummary(30, 'low', ['same phone: 3 registrations gave this phone number within 30 days', 7])).toEqual({
      score: 30,
      band: 'low',
      reasons: ['same phone: 3 registrations gave this phone number within 30 days'],
      signals: [signal('same_phone', { count: 3, days: 30 })],
    });
  });

  it('similarity: share of answered fields that are equal, metadata/notes/calculations ignored, lists compared whole', () => {
    const a = {
      q1: 'a',
      q2: 'a',
      q3: 'd',
      tags: ['red', 'blue'],
      started: '2026-01-01T00:00:00Z',
      device: 'x',
      score: 1,
    };
    expect(similarity(likert, a, { ...a })).toBe(1);
    // Metadata differing does not make two surveys different.
    expect(similarity(likert, a, { ...a, started: '2026-02-02T00:00:00Z', device: 'y', score: 2 })).toBe(1);
    // 4 compared fields (q1, q2, q3, tags), 3 equal.
    expect(similarity(likert, a, { ...a, q3: 'a' })).toBe(0.75);
    expect(similarity(likert, a, { ...a, tags: ['blue', 'red'] })).toBe(0.75);
    // A field answered on one side only counts as different.
    expect(similarity(likert, { q1: 'a' }, { q1: 'a', q2: 'a' })).toBe(0.5);
    expect(similarity(likert, {}, {})).toBe(0);
  });

  it('band follows the thresholds at each boundary', () => {
    const b = DEFAULT_FRAUD_THRESHOLDS.bands; // 25 / 50 / 70 / 85
    expect([0, 24, 25, 49, 50, 69, 70, 84, 85, 100].map((s) => band(s, b))).toEqual([
      'clean',
      'clean',
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
      'critical',
      'critical',
    ]);
    expect(band(10, { low: 5, medium: 10, high: 15, critical: 20 })).toBe('medium');
  });
});

// ---------------------------------------------------------------------------------------------
// Scoring in the ingestion pipeline
// ---------------------------------------------------------------------------------------------

/** Four comparable answers, different each time: never a near-duplicate, never straight-lined. */
const MINI: FormSchema = {
  formId: 'fraud_mini',
  title: 'Fraud mini',
  sections: [
    {
      name: 'main',
      label: 'Main',
      questions: [
        { name: 'surname', type: 'text', label: 'Surname', required: true },
        { name: 'firstname', type: 'text', label: 'First name', required: true },
        { name: 'nin', type: 'nin', label: 'NIN', required: true },
        { name: 'lga_id', type: 'select_one', label: 'LGA', choiceList: 'lgas', required: true },
      ],
    },
  ],
  choiceLists: {
    lgas: [
      { name: 'ibadan_north', label: 'Ibadan North' },
      { name: 'oyo_east', label: 'Oyo East' },
    ],
  },
};
let miniSeq = 0;
const miniAnswers = () => ({
  surname: `Surname${++miniSeq}`,
  firstname: `First${miniSeq}`,
  nin: freshNin(),
  lga_id: 'ibadan_north',
});

const app = useTestApp();
let master: Published;
let mini: Published;
beforeAll(async () => {
  master = await publishForm(app.t, app.admin);
  mini = await publishForm(app.t, app.admin, MINI);
});

const DAY = 86_400_000;
/** Yesterday (UTC date) at hh:mm UTC; `daysAgo` moves further back. */
function utc(hhmm: string, daysAgo = 1) {
  const y = new Date(Date.now() - daysAgo * DAY);
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(Date.UTC(y.getUTCFullYear(), y.getUTCMonth(), y.getUTCDate(), h!, m!));
}

/** A spot of its own for each scenario: the "another collector within 5 m" signal sees every test's points. */
let spot = 0;
const place = () => ({ lat: 7.2 + ++spot * 0.01, lng: 3.9 });
/** `metres` north of a point. */
const north = (p: { lat: number; lng: number }, metres: number) => ({ lat: p.lat + metres / 111_195, lng: p.lng });

async function scored(session: Session, versionId: string, o: BodyOptions) {
  const body = submissionBody(versionId, o);
  const res = await submit(app.t, session, body);
  expect(res.statusCode, res.body).toBe(202);
  const [row] = await settled(app.t, [body.id]);
  return row!;
}
const fraudOf = (row: typeof submissions.$inferSelect) => ({
  score: row.fraudScore,
  band: row.fraudBand,
  reasons: row.fraudReasons,
  version: row.fraudSettingsVersion,
});

describe('every channel is scored', () => {
  it('enumerator (with GPS), clerk and public (without GPS) all get a score, a band and the settings version', async () => {
    const enumerator = await app.as('enumerator');
    const clerk = await app.as('data_entry_clerk');
    const pub = await app.publicUser();
    const withGps = await scored(enumerator, master.versionId, {
      completedAt: utc('10:00'),
      gps: { ...place(), accuracy: 8 },
    });
    const typed = await scored(clerk, master.versionId, { completedAt: utc('10:00') });
    const self = await scored(pub, master.versionId, { completedAt: utc('10:00') });
    for (const row of [withGps, typed, self]) {
      expect(row.status).toBe('ingested');
      expect(fraudOf(row)).toEqual({ score: 0, band: 'clean', reasons: [], version: 1 });
    }
    expect([withGps.channel, typed.channel, self.channel]).toEqual(['enumerator', 'clerk', 'public']);

    // The signals that need no GPS apply to clerks and the public too.
    const late = await scored(clerk, master.versionId, { completedAt: utc('22:30'), durationS: 20 });
    expect(fraudOf(late)).toMatchObject({ score: 25 + 20 + 10, band: 'medium' });
    expect(late.fraudReasons).toEqual([
      'speed-run: 20 s for 38 answers',
      expect.stringMatching(/^near-duplicate: 97 % of answers equal another recent survey by the same collector$/),
      'off-hours: completed at 23:30 WAT',
    ]);
    // A resident registers one person: another resident sends the late, quick one.
    const pubLate = await scored(await app.publicUser(), master.versionId, {
      completedAt: utc('23:45'),
      durationS: 20,
    });
    expect(pubLate.fraudReasons).toEqual(
      expect.arrayContaining(['speed-run: 20 s for 38 answers', 'off-hours: completed at 00:45 WAT']),
    );
  });
});

describe('signals in the pipeline', () => {
  it('off-hours: 23:30 WAT (22:30Z) adds 10 with a reason; 05:30 WAT adds nothing; 04:59 WAT does', async () => {
    const night = await scored(await app.as('enumerator'), master.versionId, { completedAt: utc('22:30') });
    expect(fraudOf(night)).toEqual({
      score: 10,
      band: 'clean',
      reasons: ['off-hours: completed at 23:30 WAT'],
      version: 1,
    });
    const dawn = await scored(await app.as('enumerator'), master.versionId, { completedAt: utc('04:30') });
    expect(fraudOf(dawn)).toMatchObject({ score: 0, reasons: [] });
    const early = await scored(await app.as('enumerator'), master.versionId, { completedAt: utc('03:59') });
    expect(fraudOf(early)).toMatchObject({ score: 10, reasons: ['off-hours: completed at 04:59 WAT'] });
  });

  it('speed-run: 20 s for ~40 answers adds 25 (floor of 3 s per question while the form has few surveys)', async () => {
    const speedForm = await publishForm(app.t, app.admin, { ...MASTER_FORM, formId: 'speed_master' });
    const fast = await scored(await app.as('enumerator'), speedForm.versionId, {
      completedAt: utc('10:00'),
      durationS: 20,
    });
    expect(fraudOf(fast)).toEqual({ score: 25, band: 'low', reasons: ['speed-run: 20 s for 38 answers'], version: 1 });
    expect(fast.status).toBe('ingested');
    const steady = await scored(await app.as('enumerator'), speedForm.versionId, {
      completedAt: utc('10:00'),
      durationS: 120,
    });
    expect(fraudOf(steady)).toMatchObject({ score: 0, reasons: [] });
  });

  it('speed-run against the median once the form has 30 surveys: under 25 % of the median is flagged', async () => {
    const form = await publishForm(app.t, app.admin, { ...MINI, formId: 'median_mini' });
    const clerk = await app.as('data_entry_clerk');
    const base = utc('08:00').getTime();
    const normal = Array.from({ length: 30 }, (_, i) =>
      submissionBody(form.versionId, {
        answers: miniAnswers(),
        completedAt: new Date(base + i * 60_000),
        durationS: 600,
      }),
    );
    const quick = submissionBody(form.versionId, { answers: miniAnswers(), completedAt: utc('09:00'), durationS: 100 });
    const fine = submissionBody(form.versionId, { answers: miniAnswers(), completedAt: utc('09:01'), durationS: 200 });
    const res = await submitBatch(app.t, clerk, [...normal, quick, fine]);
    expect(res.statusCode).toBe(200);
    await settled(
      app.t,
      [...normal, quick, fine].map((b) => b.id),
    );
    // A fresh service: the pipeline's median is cached for a minute, so read it the way the next minute will.
    const fraud = new FraudService(app.t.database.db, new SubmissionRepository(app.t.runtime.pii), async () => null);
    const rows = await app.t.database.db
      .select()
      .from(submissions)
      .where(eq(submissions.questionnaireVersionId, form.versionId));
    const q = await fraud.score(
      app.t.database.db,
      rows.find((r) => r.id === quick.id)!,
      { ...MINI, formId: 'median_mini' },
    );
    expect(q.reasons).toContain('speed-run: 100 s against a median of 600 s');
    expect(q.score).toBe(25);
    const f = await fraud.score(
      app.t.database.db,
      rows.find((r) => r.id === fine.id)!,
      { ...MINI, formId: 'median_mini' },
    );
    // 200 s is above 25 % of the median, though under the floor would not matter here either (4 answers).
    expect(f.reasons.filter((r) => r.startsWith('speed-run'))).toEqual([]);
  });

  it('GPS: the third survey within 50 m in 4 h is flagged; a fourth 5 h later is not', async () => {
    const enumerator = await app.as('enumerator');
    const p = place();
    const a = await scored(enumerator, mini.versionId, {
      answers: miniAnswers(),
      completedAt: utc('09:00'),
      gps: { ...p, accuracy: 5 },
    });
    const b = await scored(enumerator, mini.versionId, {
      answers: miniAnswers(),
      completedAt: utc('10:00'),
      gps: { ...north(p, 20), accuracy: 5 },
    });
    const c = await scored(enumerator, mini.versionId, {
      answers: miniAnswers(),
      completedAt: utc('11:00'),
      gps: { ...north(p, 40), accuracy: 5 },
    });
    const d = await scored(enumerator, mini.versionId, {
      answers: miniAnswers(),
      completedAt: utc('16:00'),
      gps: { ...north(p, 10), accuracy: 5 },
    });
    expect(fraudOf(a)).toMatchObject({ score: 0, reasons: [] });
    expect(fraudOf(b)).toMatchObject({ score: 0, reasons: [] });
    expect(fraudOf(c)).toEqual({ score: 25, band: 'low', reasons: ['gps: 3 surveys within 50 m in 4 h'], version: 1 });
    expect(fraudOf(d)).toMatchObject({ score: 0, reasons: [] });
    // 60 m apart is not a cluster.
    const e2 = await app.as('enumerator');
    const q = place();
    for (const [i, hh] of ['09:00', '10:00'].entries()) {
      await scored(e2, mini.versionId, {
        answers: miniAnswers(),
        completedAt: utc(hh),
        gps: { ...north(q, i * 60), accuracy: 5 },
      });
    }
    const spread = await scored(e2, mini.versionId, {
      answers: miniAnswers(),
      completedAt: utc('11:00'),
      gps: { ...north(q, 120), accuracy: 5 },
    });
    expect(fraudOf(spread)).toMatchObject({ score: 0, reasons: [] });
  });

  it('GPS: accuracy worse than 50 m, an impossible jump and another collector within 5 m each flag gps (25 once)', async () => {
    const vague = await scored(await app.as('enumerator'), mini.versionId, {
      answers: miniAnswers(),
      completedAt: utc('10:00'),
      gps: { ...place(), accuracy: 120 },
    });
    expect(fraudOf(vague)).toEqual({
      score: 25,
      band: 'low',
      reasons: ['gps: GPS accuracy 120 m is worse than 50 m'],
      version: 1,
    });
    const exact = await scored(await app.as('enumerator'), mini.versionId, {
      answers: miniAnswers(),
      completedAt: utc('10:00'),
      gps: { ...place(), accuracy: 50 },
    });
    expect(fraudOf(exact)).toMatchObject({ score: 0 });

    const traveller = await app.as('enumerator');
    const from = place();
    await scored(traveller, mini.versionId, {
      answers: miniAnswers(),
      completedAt: utc('10:00'),
      gps: { ...from, accuracy: 5 },
    });
    // ~100 km north in 30 minutes, and a vague fix: two gps reasons, one 25.
    const jump = await scored(traveller, mini.versionId, {
      answers: miniAnswers(),
      completedAt: utc('10:30'),
      gps: { ...north(from, 100_000), accuracy: 80 },
    });
    expect(jump.fraudScore).toBe(25);
    expect(jump.fraudReasons).toEqual([
      'gps: GPS accuracy 80 m is worse than 50 m',
      'gps: moved at 200 km/h since the previous survey',
    ]);

    const spotX = place();
    await scored(await app.as('enumerator'), mini.versionId, {
      answers: miniAnswers(),
      completedAt: utc('09:00'),
      gps: { ...spotX, accuracy: 5 },
    });
    const copycat = await scored(await app.as('enumerator'), mini.versionId, {
      answers: miniAnswers(),
      completedAt: utc('15:00'),
      gps: { ...north(spotX, 3), accuracy: 5 },
    });
    expect(fraudOf(copycat)).toEqual({
      score: 25,
      band: 'low',
      reasons: ["gps: within 5 m of another collector's survey the same day"],
      version: 1,
    });
  });

  it('near-duplicate: ≥ 70 % equal answers by the same collector within 7 days adds 20; older or another collector does not', async () => {
    const enumerator = await app.as('enumerator');
    const answers = masterAnswers();
    await scored(enumerator, master.versionId, { answers, completedAt: utc('09:00') });
    const twin = await scored(enumerator, master.versionId, {
      answers: { ...answers, nin: freshNin() },
      completedAt: utc('10:00'),
    });
    expect(fraudOf(twin)).toEqual({
      score: 20,
      band: 'clean',
      reasons: ['near-duplicate: 97 % of answers equal another recent survey by the same collector'],
      version: 1,
    });
    // Different enough (the job seeker of the fixtures, other contact details): no flag.
    const other = await scored(enumerator, master.versionId, {
      answers: {
        ...masterAnswerSets()[1]!,
        nin: freshNin(),
        marital_status: 'single',
        education_level: 'primary',
        phone_number: '08099999999',
        email: 'chinedu@example.com',
        household_size: 2,
        dependents_count: 0,
        skills_possessed: ['carpentry'],
        skills_other: 'Roofing',
        training_interest: ['plumbing'],
        portfolio_url: 'https://example.com/c',
        disability_status: 'yes',
      },
      completedAt: utc('11:00'),
    });
    expect(other.status, JSON.stringify(other.error)).toBe('ingested');
    expect((other.fraudReasons as string[]).filter((r) => r.startsWith('near-duplicate'))).toEqual([]);

    const slow = await app.as('enumerator');
    await scored(slow, master.versionId, { answers: masterAnswers(), completedAt: utc('10:00', 9) });
    const weekLater = await scored(slow, master.versionId, { answers: masterAnswers(), completedAt: utc('10:00') });
    expect(fraudOf(weekLater)).toMatchObject({ score: 0, reasons: [] });
    const stranger = await scored(await app.as('enumerator'), master.versionId, {
      answers: { ...answers, nin: freshNin() },
      completedAt: utc('10:30'),
    });
    expect(fraudOf(stranger)).toMatchObject({ score: 0, reasons: [] });
  });

  it('bands follow the thresholds, and flags never reject: a critical survey is still ingested', async () => {
    const enumerator = await app.as('enumerator');
    const lined = masterAnswers({ disability_status: 'yes', is_head: 'yes' });
    const lineReason = 'straight-lining: 7 of 7 answers on list "yes_no" are the same';
    const p = place();
    const first = await scored(enumerator, master.versionId, {
      answers: lined,
      completedAt: utc('20:00'),
      gps: { ...p, accuracy: 5 },
    });
    expect(fraudOf(first)).toMatchObject({ score: 20, band: 'clean', reasons: [lineReason] });
    const second = await scored(enumerator, master.versionId, {
      answers: { ...lined, nin: freshNin() },
      completedAt: utc('21:00'),
      gps: { ...north(p, 10), accuracy: 5 },
      durationS: 20,
    });
    // 25 + 20 + 20 = 65: medium.
    expect(fraudOf(second)).toMatchObject({ score: 65, band: 'medium' });
    const third = await scored(enumerator, master.versionId, {
      answers: { ...lined, nin: freshNin() },
      completedAt: utc('22:30'),
      gps: { ...north(p, 20), accuracy: 5 },
      durationS: 20,
    });
    // gps 25 + speed-run 25 + straight-lining 20 + near-duplicate 20 + off-hours 10 = 100: critical.
    expect(fraudOf(third)).toEqual({
      score: 100,
      band: 'critical',
      reasons: [
        'gps: 3 surveys within 50 m in 4 h',
        'speed-run: 20 s for 38 answers',
        lineReason,
        'near-duplicate: 97 % of answers equal another recent survey by the same collector',
        'off-hours: completed at 23:30 WAT',
      ],
      version: 1,
    });
    expect(third.status).toBe('ingested');
    expect(third.respondentId).not.toBeNull();

    // 25 + 20 + 10 = 55 (medium) and 25 + 20 + 20 + 10 = 75 (high) for a collector without GPS.
    const clerk = await app.as('data_entry_clerk');
    const m = await scored(clerk, master.versionId, {
      answers: masterAnswers({ disability_status: 'yes', is_head: 'yes' }),
      completedAt: utc('22:10'),
      durationS: 20,
    });
    expect(fraudOf(m)).toMatchObject({ score: 55, band: 'medium' });
    const h = await scored(clerk, master.versionId, {
      answers: masterAnswers({ disability_status: 'yes', is_head: 'yes' }),
      completedAt: utc('22:20'),
      durationS: 20,
    });
    expect(fraudOf(h)).toMatchObject({ score: 75, band: 'high' });

    // Their supervisor sees the score through the status endpoint; the enumerator sees no fraud at all
    // (a collector who could read the reasons would learn how to avoid them).
    const supervisor = await app.as('supervisor');
    const view = await app.call(supervisor, { method: 'GET', url: `/api/v1/submissions/${third.id}` });
    expect(view.json()).toMatchObject({ status: 'ingested', fraud: { score: 100, band: 'critical' } });
    const own = await app.call(enumerator, { method: 'GET', url: `/api/v1/submissions/${third.id}` });
    expect(own.json()).toMatchObject({ status: 'ingested' });
    expect(own.json().fraud).toBeUndefined();
  });
});

describe('fraud settings are versioned', () => {
  it('PUT creates version 2; later scores carry version 2, earlier ones keep 1; only super admins change them', async () => {
    const before = await scored(await app.as('enumerator'), master.versionId, { completedAt: utc('22:30') });
    expect(fraudOf(before)).toEqual({
      score: 10,
      band: 'clean',
      reasons: ['off-hours: completed at 23:30 WAT'],
      version: 1,
    });

    const supervisor = await app.as('supervisor');
    const current = await app.call(supervisor, { method: 'GET', url: '/api/v1/settings/fraud' });
    expect(current.statusCode).toBe(200);
    expect(current.json()).toEqual({ version: 1, thresholds: DEFAULT_FRAUD_THRESHOLDS });
    expect(
      (await app.call(await app.as('enumerator'), { method: 'GET', url: '/api/v1/settings/fraud' })).statusCode,
    ).toBe(403);

    const next: FraudThresholds = structuredClone(DEFAULT_FRAUD_THRESHOLDS);
    next.offHours.points = 30;
    next.bands = { low: 10, medium: 20, high: 30, critical: 40 };
    expect(
      (await app.call(supervisor, { method: 'PUT', url: '/api/v1/settings/fraud', payload: next })).statusCode,
    ).toBe(403);
    const invalid = await app.call(app.admin, {
      method: 'PUT',
      url: '/api/v1/settings/fraud',
      payload: { ...next, bands: { low: 'ten' } },
    });
    expect(invalid.statusCode).toBe(400);
    const badFraction = await app.call(app.admin, {
      method: 'PUT',
      url: '/api/v1/settings/fraud',
      payload: { ...next, nearDuplicate: { ...next.nearDuplicate, equalFraction: 7 } },
    });
    expect(badFraction.statusCode).toBe(400);

    const put = await app.call(app.admin, { method: 'PUT', url: '/api/v1/settings/fraud', payload: next });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toEqual({ version: 2, thresholds: next });
    expect((await app.call(supervisor, { method: 'GET', url: '/api/v1/settings/fraud' })).json()).toEqual({
      version: 2,
      thresholds: next,
    });
    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'fraud.settings_changed'), eq(auditLog.targetId, '2')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: app.admin.user.id, before: DEFAULT_FRAUD_THRESHOLDS, after: next });

    const after = await scored(await app.as('enumerator'), master.versionId, { completedAt: utc('22:30') });
    // 30 points now, and 30 is "high" under the new bands.
    expect(fraudOf(after)).toEqual({
      score: 30,
      band: 'high',
      reasons: ['off-hours: completed at 23:30 WAT'],
      version: 2,
    });
    const [kept] = await app.t.database.db.select().from(submissions).where(eq(submissions.id, before.id));
    expect(fraudOf(kept!)).toEqual(fraudOf(before));
  });
});
