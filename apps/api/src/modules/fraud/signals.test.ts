/**
 * The near-duplicate signal's similarity: two answers are equal exactly when their JSON is. Its
 * per-survey shapes (a kind and a value per question, read once) must keep that rule for every kind
 * of answer against every other, and stay true when the same answers objects are compared again.
 */
import { describe, expect, it } from 'vitest';
import { MASTER_FORM } from '../../../../../packages/core/src/forms/fixtures/master.js';
import { masterAnswerSets } from '../../../../../packages/core/src/forms/fixtures/master-answers.js';
import { similarity } from './signals.js';

const ODD: unknown[] = [
  undefined,
  null,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -0,
  0,
  1,
  1.5,
  '1',
  'null',
  '',
  'a',
  true,
  false,
  'true',
  [],
  ['a'],
  ['a', 'b'],
  ['b', 'a'],
  [1],
  ['1'],
  [null],
  {},
  { a: 1 },
  { a: 1, b: 2 },
  { b: 2, a: 1 },
  { lat: 7.3, lng: 3.9, accuracy: 8 },
];

/** The rule, written the slow way: the share of answered questions whose answers' JSON is equal. */
function reference(names: string[], a: Record<string, unknown>, b: Record<string, unknown>): number {
  let compared = 0;
  let equal = 0;
  for (const n of names) {
    if (a[n] === undefined && b[n] === undefined) continue;
    compared++;
    if (a[n] !== undefined && b[n] !== undefined && JSON.stringify(a[n]) === JSON.stringify(b[n])) equal++;
  }
  return compared ? equal / compared : 0;
}

const compared = MASTER_FORM.sections
  .flatMap((s) => s.questions)
  .filter((q) => !['start', 'end', 'deviceid', 'calculate', 'note'].includes(q.type))
  .map((q) => q.name);

describe('similarity', () => {
  it('counts two answers equal exactly when their JSON is, for every kind against every kind', () => {
    const [first, second] = compared as [string, string];
    for (const x of ODD)
      for (const y of ODD) {
        // Another question answered alike on both sides, so that a pair of undefined still compares something.
        const a = { [first]: x, [second]: 'same' };
        const b = { [first]: y, [second]: 'same' };
        expect([x, y, similarity(MASTER_FORM, a, b)]).toEqual([x, y, reference(compared, a, b)]);
      }
  });

  it('gives the same answer when the same surveys are compared again (their shapes are kept)', () => {
    const surveys = masterAnswerSets().flatMap((s, i) =>
      [0, 1, 2].map((k) => ({ ...s, firstname: `P${i}${k % 2}`, gps_location: { lat: 7 + k * 0.01, lng: 3.9 } })),
    );
    for (let round = 0; round < 2; round++)
      for (const a of surveys)
        for (const b of surveys) expect(similarity(MASTER_FORM, a, b)).toBe(reference(compared, a, b));
  });
});
