import { describe, expect, it } from 'vitest';
import { masterAnswerSets } from '../forms/fixtures/master-answers.js';
import { MAX_ANSWERS, parseSubmissionBody, submissionBodySchema } from './submissions.js';

/** The quick path must give exactly what the schema gives: the same verdict, data (key order too) or issues. */
function expectSameAsSchema(item: unknown) {
  const full = submissionBodySchema.safeParse(item);
  const quick = parseSubmissionBody(item);
  expect(quick.success).toBe(full.success);
  if (full.success) {
    expect(quick.data).toEqual(full.data);
    expect(JSON.stringify(quick.data)).toBe(JSON.stringify(full.data));
  } else {
    expect(quick.error!.issues).toEqual(full.error.issues);
  }
  return quick;
}

const body = (answers: unknown, extra: Record<string, unknown> = {}) => ({
  id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  questionnaireVersionId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
  answers,
  startedAt: '2026-05-01T09:00:00.000Z',
  completedAt: '2026-05-01T10:12:00+01:00',
  gps: { lat: 7.3775, lng: 3.947, accuracy: 8 },
  deviceId: 'bench-1',
  ...extra,
});
/** As the server receives it: parsed from JSON. */
const sent = (x: unknown) => JSON.parse(JSON.stringify(x)) as Record<string, unknown>;

describe('parseSubmissionBody', () => {
  it('keeps the answers of a usual body as sent (no copy) and gives what the schema gives', () => {
    for (const answers of masterAnswerSets()) {
      const item = sent(body(answers));
      const parsed = expectSameAsSchema(item);
      expect(parsed.data!.answers).toBe(item.answers);
    }
  });

  it('gives the schema’s result for every answer the quick check leaves to it', () => {
    const [base] = masterAnswerSets();
    const cases: Record<string, unknown>[] = [
      { gps_location: { lng: 3.9, lat: 7.3 } }, // another key order: the schema writes lat, lng
      { gps_location: { lat: 7.3, lng: 3.9, accuracy: 5, altitude: 200 } }, // an extra key: stripped
      { gps_location: { lat: 7.3, lng: 3.9, accuracy: -1 } },
      { gps_location: { lat: 97.3, lng: 3.9 } },
      { gps_location: { lat: '7.3', lng: 3.9 } },
      {
        household: [
          { name: 'Ade', age: 30 },
          { name: 'Bola', pets: [{ kind: 'dog' }] },
        ],
      }, // a repeat
      { household: [{ 'bad\u0001name': 1 }] },
      { skills: [] },
      { skills: ['plumbing', 'tiling'] },
      { skills: ['a'.repeat(501)] },
      { skills: Array.from({ length: 1001 }, () => 'x') },
      { skills: ['ok', 3] },
      { skills: ['line\nbreak'] },
      { notes: 'two\nlines\tand a tab' },
      { notes: 'nul\u0000here' },
      { notes: 'broken \ud800 surrogate' },
      { notes: 'x'.repeat(10_001) },
      { notes: 'x'.repeat(10_000) },
      { count: 0, negative: -0, big: 1e300, flag: false, nothing: null },
      { '': 'empty name' },
      { ['k'.repeat(65)]: 'long name' },
      { ['k'.repeat(64)]: 'longest name' },
      { 'tab\tname': 1 },
      { 'émoji 🙂 name': 'fine' },
      { nested: { a: 1 } },
    ];
    for (const extra of cases) expectSameAsSchema(sent(body({ ...base, ...extra })));
    // Values JSON cannot carry but an object can.
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, undefined, () => 1, Symbol('s'), 10n, new Date(0)])
      expectSameAsSchema(body({ ...base, odd: value }));
    expectSameAsSchema(body(Object.assign(Object.create(null), base)));
    expectSameAsSchema(body({ ...base, [Symbol('hidden')]: 1 }));
    expectSameAsSchema(body({ ...base, gps_location: Object.assign(Object.create(null), { lat: 1, lng: 2 }) }));
    // A name the JSON parser keeps as an own key.
    expectSameAsSchema(JSON.parse(JSON.stringify(body(base)).replace('"start_time"', '"__proto__"')));
    expectSameAsSchema(sent(body(Object.fromEntries(Array.from({ length: MAX_ANSWERS + 1 }, (_, i) => [`q${i}`, i])))));
    expectSameAsSchema(sent(body(Object.fromEntries(Array.from({ length: MAX_ANSWERS }, (_, i) => [`q${i}`, i])))));
    for (const answers of [null, [], 'text', 3, [base]]) expectSameAsSchema(sent(body(answers)));
  });

  it('applies the same whole-body rules and field checks', () => {
    const [base] = masterAnswerSets();
    const cases = [
      { replaces: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' },
      { replaces: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d' },
      { startedAt: '2026-05-01T10:00:00.000Z' },
      { completedAt: new Date(Date.now() + 24 * 3600_000).toISOString() },
      { completedAt: 'yesterday' },
      { id: 'not-a-uuid' },
      { gps: { lat: 7, lng: 3 } },
      { gps: { lat: 7, lng: 3, accuracy: 5, extra: 1 } },
      { deviceId: '' },
      { ninDeferred: 'yes' },
      { unknownField: 1 },
      {
        attachments: [
          { name: 'photo', size: 10, sha256: 'a'.repeat(64) },
          { name: 'photo', size: 10, sha256: 'a'.repeat(64) },
        ],
      },
    ];
    for (const extra of cases) expectSameAsSchema(sent(body(base, extra)));
    for (const item of [null, undefined, 'body', [], {}]) expectSameAsSchema(item);
  });

  it('matches the schema on random edits of real answers', () => {
    const sets = masterAnswerSets();
    const pool: unknown[] = [
      'text',
      'a\u0000b',
      'x'.repeat(10_001),
      12.5,
      true,
      null,
      [],
      ['a', 'b'],
      ['a', 1],
      { lat: 1, lng: 2 },
      { lng: 2, lat: 1 },
      { lat: 1, lng: 2, accuracy: 3 },
      { lat: 1, lng: 2, accuracy: 3, x: 1 },
      [{ q: 'a' }],
      {},
    ];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const answers: Record<string, unknown> = { ...sets[rand(sets.length)]! };
      const names = Object.keys(answers);
      for (let e = rand(4); e >= 0; e--) answers[names[rand(names.length)]!] = pool[rand(pool.length)];
      if (rand(5) === 0) answers[rand(2) ? 'new\u0002name' : 'new_name'] = pool[rand(pool.length)];
      expectSameAsSchema(sent(body(answers)));
    }
  });
});
