/**
 * The review state machine of a submission: the one place that says which review decisions may
 * follow which. A submission starts `pending`; an overseer approves, rejects or returns it for
 * correction; a returned one becomes `superseded` when its corrected version is ingested. A resident's
 * live registration (pending or decided) becomes `superseded` when a correction request they sent is
 * approved and ingested (`amend`). Decisions are final: the same decision again is a harmless repeat, another one is a conflict.
 */
export const REVIEW_STATUSES = ['pending', 'approved', 'rejected', 'returned', 'superseded'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_DECISIONS = ['approve', 'reject', 'return'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** What a decision leads to. */
export const DECISION_STATUS: Record<ReviewDecision, ReviewStatus> = {
  approve: 'approved',
  reject: 'rejected',
  return: 'returned',
};

/** Decisions that must say why (the enumerator reads the comment on their phone). */
export const COMMENT_REQUIRED: Record<ReviewDecision, boolean> = { approve: false, reject: true, return: true };
/** Channels whose collector has a "needs correction" list (a resident's or an import's record cannot be sent back). */
export const RETURNABLE_CHANNELS: readonly string[] = ['enumerator', 'clerk'];
/** The longest review comment accepted (characters). */
export const MAX_REVIEW_COMMENT = 2000;

/**
 * The moves that are not an overseer's decision: `replace` is the ingestion of a collector's correction
 * of a returned survey; `amend` the ingestion of a resident's correction request that a reviewer
 * approved (their registration needs no return: they asked for the change themselves).
 */
export type ReviewMove = ReviewDecision | 'replace' | 'amend';

/** Every allowed move, and who makes it: a decision is an overseer's, `replace` and `amend` an ingestion's. */
export const REVIEW_TRANSITIONS: Record<ReviewStatus, Partial<Record<ReviewMove, ReviewStatus>>> = {
  pending: { approve: 'approved', reject: 'rejected', return: 'returned', amend: 'superseded' },
  approved: { amend: 'superseded' },
  rejected: { amend: 'superseded' },
  returned: { replace: 'superseded' },
  superseded: {},
};

export type ReviewStep =
  | { kind: 'change'; to: ReviewStatus }
  /** The same decision again: nothing changes, the answer is the current state. */
  | { kind: 'repeat' }
  /** Not allowed from the current state: 409 with it. */
  | { kind: 'conflict'; current: ReviewStatus };

/** The one decision function: what `move` does to a submission whose review status is `from`. */
export function reviewStep(from: ReviewStatus, move: ReviewMove): ReviewStep {
  const to = REVIEW_TRANSITIONS[from][move];
  if (to) return { kind: 'change', to };
  if (move !== 'replace' && move !== 'amend' && DECISION_STATUS[move] === from) return { kind: 'repeat' };
  return { kind: 'conflict', current: from };
}

export function isReviewStatus(s: unknown): s is ReviewStatus {
  return typeof s === 'string' && (REVIEW_STATUSES as readonly string[]).includes(s);
}
