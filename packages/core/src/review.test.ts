import { describe, expect, it } from 'vitest';
import { REVIEW_DECISIONS, REVIEW_STATUSES, reviewStep, type ReviewStatus } from './review.js';

describe('review state machine', () => {
  it('a pending submission may be approved, rejected or returned', () => {
    expect(reviewStep('pending', 'approve')).toEqual({ kind: 'change', to: 'approved' });
    expect(reviewStep('pending', 'reject')).toEqual({ kind: 'change', to: 'rejected' });
    expect(reviewStep('pending', 'return')).toEqual({ kind: 'change', to: 'returned' });
  });

  it('the same decision twice is a repeat, whichever it was', () => {
    expect(reviewStep('approved', 'approve')).toEqual({ kind: 'repeat' });
    expect(reviewStep('rejected', 'reject')).toEqual({ kind: 'repeat' });
    expect(reviewStep('returned', 'return')).toEqual({ kind: 'repeat' });
  });

  it('another decision on a decided submission is a conflict naming the current state', () => {
    const decided: [ReviewStatus, (typeof REVIEW_DECISIONS)[number]][] = [
      ['approved', 'reject'],
      ['approved', 'return'],
      ['rejected', 'approve'],
      ['rejected', 'return'],
      ['returned', 'approve'],
      ['returned', 'reject'],
    ];
    for (const [from, d] of decided)
      expect(reviewStep(from, d), `${from} → ${d}`).toEqual({ kind: 'conflict', current: from });
  });

  it('a superseded submission takes no decision at all, not even a repeat', () => {
    for (const d of REVIEW_DECISIONS)
      expect(reviewStep('superseded', d)).toEqual({ kind: 'conflict', current: 'superseded' });
  });

  it('only a returned submission can be replaced by its correction', () => {
    expect(reviewStep('returned', 'replace')).toEqual({ kind: 'change', to: 'superseded' });
    for (const from of REVIEW_STATUSES.filter((s) => s !== 'returned'))
      expect(reviewStep(from, 'replace'), from).toEqual({ kind: 'conflict', current: from });
  });

  it("a resident's approved correction supersedes their registration, whatever its review said, but never twice", () => {
    for (const from of ['pending', 'approved', 'rejected'] as const)
      expect(reviewStep(from, 'amend'), from).toEqual({ kind: 'change', to: 'superseded' });
    // A returned survey is a collector's (residents' registrations are never returned); superseded is final.
    for (const from of ['returned', 'superseded'] as const)
      expect(reviewStep(from, 'amend'), from).toEqual({ kind: 'conflict', current: from });
  });

  it('no move leads back to pending', () => {
    for (const from of REVIEW_STATUSES)
      for (const move of [...REVIEW_DECISIONS, 'replace' as const, 'amend' as const]) {
        const step = reviewStep(from, move);
        if (step.kind === 'change') expect(step.to).not.toBe('pending');
      }
  });
});
