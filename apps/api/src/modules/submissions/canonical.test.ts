import { describe, expect, it } from 'vitest';
import { masterAnswerSets } from '../../../../../packages/core/src/forms/fixtures/master-answers.js';
import { canonical } from './canonical.js';

/** The first implementation, which every stored body hash was computed with. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${reference((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('canonical body text', () => {
  it('is the same text as the first implementation, for bodies and for odd values', () => {
    const bodies: unknown[] = masterAnswerSets().map((answers, i) => ({
      id: `0193f5c8-0000-7000-8000-00000000000${i % 10}`,
      questionnaireVersionId: '0193f5c8-0000-7000-8000-000000000001',
      answers,
      startedAt: '2026-12-06T10:00:00.000Z',
      completedAt: '2026-12-06T10:09:00.000Z',
      gps: i % 2 ? { lat: 7.38, lng: 3.93, accuracy: 12 } : undefined,
      attachments: i % 3 ? [] : [{ question: 'photo', sha256: 'ab', size: 10, type: 'image/jpeg' }],
    }));
    const odd: unknown[] = [
      null,
      0,
      -1.5,
      'é "quoted" \n',
      true,
      [],
      {},
      [1, [2, [3, {}]], null],
      [undefined, 1, undefined],
      { b: 1, a: { d: [{ z: 1, y: undefined }], c: null }, 'x y': 'é', '': 0, B: 2, ä: 3 },
      { when: new Date('2026-12-06T10:00:00Z'), nothing: undefined },
    ];
    for (const v of [...bodies, ...odd]) expect(canonical(v)).toBe(reference(v));
  });

  it('does not depend on key order', () => {
    expect(canonical({ a: 1, b: { c: 2, d: 3 } })).toBe(canonical({ b: { d: 3, c: 2 }, a: 1 }));
  });
});
