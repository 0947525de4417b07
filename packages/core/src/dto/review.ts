import { z } from 'zod';
import { text } from './common.js';
import { CHANNELS, SUBMISSION_STATUSES, answerValueSchema, fraudSummarySchema } from './submissions.js';
import { attachmentProgressSchema } from './attachments.js';
import { COMMENT_REQUIRED, MAX_REVIEW_COMMENT, REVIEW_DECISIONS, REVIEW_STATUSES } from '../review.js';
import { isLgaCode } from '../lgas.js';

export const FRAUD_BANDS = ['clean', 'low', 'medium', 'high', 'critical'] as const;
export type FraudBand = (typeof FRAUD_BANDS)[number];
export const REVIEW_SORTS = ['recent', 'score'] as const;

const isoDateTime = z.iso.datetime({ offset: true });

/**
 * The overseers' review list. Unknown filters are refused (400), so a misspelt filter never silently
 * returns the whole registry. `sort=score` puts the most suspicious first.
 */
export const reviewListQuerySchema = z.strictObject({
  cursor: text().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  lga: text().max(64).refine(isLgaCode, 'Unknown LGA').optional(),
  status: z.enum(REVIEW_STATUSES).optional(),
  band: z.enum(FRAUD_BANDS).optional(),
  enumeratorId: z.uuid().optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  sort: z.enum(REVIEW_SORTS).default('recent'),
});
export type ReviewListQuery = z.infer<typeof reviewListQuerySchema>;

export const reviewStateSchema = z.object({
  status: z.enum(REVIEW_STATUSES),
  comment: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reviewedBy: z.uuid().nullable(),
});
export type ReviewState = z.infer<typeof reviewStateSchema>;

export const reviewItemSchema = z.object({
  id: z.uuid(),
  /** The ingestion outcome (received, ingested, rejected by a registry rule). */
  status: z.enum(SUBMISSION_STATUSES),
  channel: z.enum(CHANNELS),
  lga: z.string().nullable(),
  enumerator: z.object({ id: z.uuid(), name: z.string().nullable() }).nullable(),
  fraud: fraudSummarySchema.nullable(),
  startedAt: z.string(),
  completedAt: z.string(),
  receivedAt: z.string(),
  ingestedAt: z.string().nullable(),
  respondentId: z.uuid().nullable(),
  replaces: z.uuid().nullable(),
  /**
   * Set on a resident's correction request only: the registration it would replace. It waits
   * (status `received`, not ingested) until a reviewer approves it; it cannot be returned.
   */
  correctionOf: z.uuid().optional(),
  review: reviewStateSchema,
});
export type ReviewItem = z.infer<typeof reviewItemSchema>;
export const reviewListResponseSchema = z.object({
  items: z.array(reviewItemSchema),
  nextCursor: z.string().nullable(),
});
export type ReviewListPage = z.infer<typeof reviewListResponseSchema>;

/** One submission for its reviewer: the list item plus its answers and what corrects it. */
export const reviewDetailSchema = reviewItemSchema.extend({
  questionnaireVersionId: z.uuid(),
  answers: z.record(z.string(), answerValueSchema),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  replacedBy: z.uuid().nullable(),
  /** The files its media answers name (GET /submissions/:id/attachments/:name once complete). */
  attachments: z.array(attachmentProgressSchema.extend({ contentType: z.string().nullable() })).optional(),
});
export type ReviewDetail = z.infer<typeof reviewDetailSchema>;
export const reviewDetailResponseSchema = z.object({ submission: reviewDetailSchema });

/** Reject and return must say why (up to 2,000 characters); approve may. */
export const reviewBodySchema = z
  .strictObject({
    decision: z.enum(REVIEW_DECISIONS),
    comment: text({ multiline: true })
      .trim()
      .max(MAX_REVIEW_COMMENT, `At most ${MAX_REVIEW_COMMENT} characters`)
      .optional(),
  })
  .refine((b) => !COMMENT_REQUIRED[b.decision] || !!b.comment, {
    message: 'Say why: a comment is required to reject or return a submission',
    path: ['comment'],
  });
export type ReviewBody = z.infer<typeof reviewBodySchema>;
export const reviewResponseSchema = z.object({ submission: reviewItemSchema, changed: z.boolean() });

/** The collector's "needs correction" list: their returned surveys with the original answers to start from. */
export const correctionSchema = z.object({
  id: z.uuid(),
  questionnaireVersionId: z.uuid(),
  answers: z.record(z.string(), answerValueSchema),
  ninDeferred: z.boolean(),
  completedAt: z.string(),
  comment: z.string().nullable(),
  reviewedAt: z.string().nullable(),
});
export type Correction = z.infer<typeof correctionSchema>;
export const correctionsResponseSchema = z.object({ items: z.array(correctionSchema) });
export type CorrectionsResponse = z.infer<typeof correctionsResponseSchema>;

/** A resident's correction requests (POST/GET /me/registration/corrections), newest first. */
export const RESIDENT_CORRECTION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export const residentCorrectionSchema = z.object({
  id: z.uuid(),
  submittedAt: z.string(),
  /** pending: waiting for a reviewer (or, approved, for ingestion); approved: the record now says it; rejected: it does not. */
  status: z.enum(RESIDENT_CORRECTION_STATUSES),
  /** The reviewer's comment, or why the registry refused the approved correction. */
  comment: z.string().nullable(),
});
export type ResidentCorrection = z.infer<typeof residentCorrectionSchema>;
export const residentCorrectionsResponseSchema = z.object({ items: z.array(residentCorrectionSchema) });
