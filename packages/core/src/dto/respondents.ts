import { z } from 'zod';
import { text } from './common.js';
import { submissionStatusSchema } from './submissions.js';

export const RESPONDENT_STATUSES = [
  'active',
  'pending_nin_capture',
  'imported_unverified',
  'verified',
  'rejected',
  'merged',
] as const;
export type RespondentStatus = (typeof RESPONDENT_STATUSES)[number];

export const completeNinBodySchema = z.object({ token: text().min(16).max(200), nin: text().max(40) });
export const completeNinResponseSchema = z.object({ respondent: z.object({ id: z.uuid(), status: z.string() }) });

export const VERIFICATION_DECISIONS = ['verified', 'rejected'] as const;
export type VerificationDecision = (typeof VERIFICATION_DECISIONS)[number];
/** A verification or rejection reason: required to reject, at most this long. */
export const VERIFICATION_REASON_MAX = 1000;

export const verificationStateSchema = z.object({
  decision: z.enum(VERIFICATION_DECISIONS).nullable(),
  by: z.uuid().nullable(),
  at: z.string().nullable(),
  reason: z.string().nullable(),
});
export type VerificationState = z.infer<typeof verificationStateSchema>;

export const historyEventSchema = z.object({
  at: z.string(),
  action: z.string(),
  actorId: z.uuid().nullable(),
  actorRole: z.string().nullable(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type HistoryEvent = z.infer<typeof historyEventSchema>;

/** One respondent as an overseer sees it: the NIN masked except for super admins and assessors. */
export const respondentDetailSchema = z.object({
  id: z.uuid(),
  /** The short registration reference (`OY-7K3-9QX`) people quote; the id stays internal. */
  reference: z.string(),
  status: z.enum(RESPONDENT_STATUSES),
  nin: z.string().nullable(),
  ninOnFile: z.boolean(),
  surname: z.string().nullable(),
  firstname: z.string().nullable(),
  gender: z.string().nullable(),
  dob: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  lga: z.string().nullable(),
  mainOccupation: z.string().nullable(),
  /** The taxonomy skill the occupation names (a slug or a skill's English label), for pages to word it. */
  mainOccupationSkill: z.string().nullable(),
  employmentType: z.string().nullable(),
  yearsExperience: z.string().nullable(),
  skills: z.array(z.string()),
  consentMarketplace: z.boolean(),
  consentEnriched: z.boolean(),
  source: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The assessor's decision; `verified` is the marketplace's badge. */
  verification: verificationStateSchema,
  verified: z.boolean(),
  /** Set when a duplicates review merged this record into another. */
  mergedInto: z.uuid().nullable(),
  submissions: z.array(submissionStatusSchema.extend({ channel: z.string(), completedAt: z.string() })),
  /** Newest first: the record's audit trail (creation, verification, merges) — views are left out. */
  history: z.array(historyEventSchema),
});
export type RespondentDetail = z.infer<typeof respondentDetailSchema>;
export const respondentDetailResponseSchema = z.object({ respondent: respondentDetailSchema });

/** An opaque keyset cursor (the previous page's `nextCursor`). */
export const cursorSchema = text()
  .regex(/^[A-Za-z0-9_-]{4,400}$/, 'Use the nextCursor of the previous page')
  .optional();
const limitSchema = z.coerce.number().int().min(1).max(100).default(25);

/**
 * Registry browse; unknown filters are refused (400). `q`: a name, an exact NIN or phone number, or a
 * registration reference (with or without dashes, any case).
 */
export const respondentListQuerySchema = z.strictObject({
  cursor: cursorSchema,
  limit: limitSchema,
  lga: text().trim().min(1).max(64).optional(),
  status: z.enum(RESPONDENT_STATUSES).optional(),
  q: text().trim().min(2).max(100).optional(),
});
export type RespondentListQuery = z.input<typeof respondentListQuerySchema>;

/** A respondent in a list: no phone, the NIN masked except for super admins and assessors. */
export const respondentListItemSchema = z.object({
  id: z.uuid(),
  reference: z.string(),
  surname: z.string().nullable(),
  firstname: z.string().nullable(),
  gender: z.string().nullable(),
  dob: z.string().nullable(),
  lga: z.string().nullable(),
  status: z.enum(RESPONDENT_STATUSES),
  nin: z.string().nullable(),
  ninOnFile: z.boolean(),
  verified: z.boolean(),
  source: z.string(),
  createdAt: z.string(),
});
export type RespondentListItem = z.infer<typeof respondentListItemSchema>;
export const respondentListResponseSchema = z.object({
  items: z.array(respondentListItemSchema),
  nextCursor: z.string().nullable(),
});
export type RespondentListPage = z.infer<typeof respondentListResponseSchema>;

// --- the assessor's verification queue ----------------------------------------------------------

export const verificationQueueQuerySchema = z.strictObject({ cursor: cursorSchema, limit: limitSchema });
export const verificationQueueItemSchema = respondentListItemSchema.extend({
  /** Why it is in the queue: a submission flagged medium or above, or the random sample of clean records. */
  reason: z.enum(['flagged', 'sample']),
  band: z.enum(['clean', 'low', 'medium', 'high', 'critical']),
});
export type VerificationQueueItem = z.infer<typeof verificationQueueItemSchema>;
export const verificationQueueResponseSchema = z.object({
  items: z.array(verificationQueueItemSchema),
  nextCursor: z.string().nullable(),
  samplePercent: z.number(),
});
export type VerificationQueuePage = z.infer<typeof verificationQueueResponseSchema>;

export const verificationBodySchema = z
  .strictObject({
    decision: z.enum(VERIFICATION_DECISIONS),
    reason: text({ multiline: true }).trim().max(VERIFICATION_REASON_MAX).optional(),
  })
  .refine((b) => b.decision !== 'rejected' || (b.reason && b.reason.length > 0), {
    message: 'Give a reason to reject',
    path: ['reason'],
  });
export type VerificationBody = z.input<typeof verificationBodySchema>;
export const verificationResponseSchema = z.object({
  id: z.uuid(),
  status: z.enum(RESPONDENT_STATUSES),
  verified: z.boolean(),
  verification: verificationStateSchema,
});
export type VerificationResponse = z.infer<typeof verificationResponseSchema>;

// --- likely duplicates --------------------------------------------------------------------------

export const DUPLICATE_REASONS = ['phone', 'name_dob_lga'] as const;
export const duplicatesQuerySchema = z.strictObject({ cursor: cursorSchema, limit: limitSchema });
/** One side of a pair, shown side by side (the phone only as its last digits). */
export const duplicateSideSchema = respondentListItemSchema.extend({
  phone: z.string().nullable(),
  submissionCount: z.number().int(),
});
export const duplicatePairSchema = z.object({
  id: z.uuid(),
  reasons: z.array(z.enum(DUPLICATE_REASONS)),
  createdAt: z.string(),
  a: duplicateSideSchema,
  b: duplicateSideSchema,
});
export type DuplicatePair = z.infer<typeof duplicatePairSchema>;
export const duplicatesResponseSchema = z.object({
  items: z.array(duplicatePairSchema),
  nextCursor: z.string().nullable(),
});
export type DuplicatesPage = z.infer<typeof duplicatesResponseSchema>;
export const resolveDuplicateBodySchema = z
  .strictObject({ action: z.enum(['distinct', 'merge']), keep: z.uuid().optional() })
  .refine((b) => b.action !== 'merge' || b.keep, { message: 'Say which record to keep', path: ['keep'] });
export type ResolveDuplicateBody = z.input<typeof resolveDuplicateBodySchema>;
export const resolveDuplicateResponseSchema = z.object({
  id: z.uuid(),
  status: z.enum(['distinct', 'merged']),
  keptId: z.uuid().nullable(),
  /** Submissions moved to the kept record (merge). */
  movedSubmissions: z.number().int(),
});
export type ResolveDuplicateResponse = z.infer<typeof resolveDuplicateResponseSchema>;
