import { z } from 'zod';
import { isLgaCode } from '../lgas.js';
import { CHANNELS } from './submissions.js';
import { RESPONDENT_STATUSES } from './respondents.js';
import { dateRangeProblem } from '../reports/range.js';
import { LOCALES } from '../i18n/locales.js';

export { REPORT_MAX_RANGE_DAYS } from '../reports/range.js';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date as YYYY-MM-DD')
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: 'Not a calendar date',
    },
  );

const reportFilterShape = {
  from: isoDate.optional(),
  to: isoDate.optional(),
  lga: z
    .string()
    .refine((s) => isLgaCode(s), { message: 'Unknown LGA code' })
    .optional(),
  channel: z.enum(CHANNELS).optional(),
  status: z.enum(RESPONDENT_STATUSES).optional(),
};
const checkRange = (q: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  const problem = dateRangeProblem(q.from, q.to);
  if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
};

/**
 * The report filters (querystring). Unknown parameters and unknown values are refused (400), as are
 * `from` after `to` and ranges over ten years. Dates are registration days in Africa/Lagos, inclusive.
 */
export const reportFilterSchema = z.strictObject(reportFilterShape).superRefine(checkRange);
/** The printable summary's query: the same filters, and the reader's language (else Accept-Language). */
export const reportPdfQuerySchema = z
  .strictObject({ ...reportFilterShape, lang: z.enum(LOCALES).optional() })
  .superRefine(checkRange);
export type ReportFilter = z.infer<typeof reportFilterSchema>;

export const reportCountSchema = z.object({ key: z.string(), label: z.string(), count: z.number().int() });
export type ReportCount = z.infer<typeof reportCountSchema>;

export const reportSummarySchema = z.object({
  /** The filters the numbers were computed with (after defaults and the caller's scope). */
  filters: z.object({
    from: z.string().nullable(),
    to: z.string(),
    lga: z.string().nullable(),
    channel: z.string().nullable(),
    status: z.string().nullable(),
  }),
  total: z.number().int(),
  /** Day buckets for ranges up to 366 days, else month buckets (`date` = the bucket's first day). */
  interval: z.enum(['day', 'month']),
  overTime: z.array(z.object({ date: z.string(), count: z.number().int() })),
  byLga: z.array(reportCountSchema),
  /** A respondent counts once in each sector their skills fall in (so the sum can exceed total). */
  bySector: z.array(reportCountSchema),
  /** The 20 most common skills; skills outside the taxonomy are counted as `other`. */
  bySkill: z.array(reportCountSchema),
  byEmploymentType: z.array(reportCountSchema),
  byGender: z.array(reportCountSchema),
  /** Age at registration. */
  byAgeBand: z.array(reportCountSchema),
  byChannel: z.array(reportCountSchema),
  byStatus: z.array(reportCountSchema),
});
export type ReportSummary = z.infer<typeof reportSummarySchema>;

/** A published cell: `count` is null and `display` "fewer than 10" when suppressed. */
export const publishedCellSchema = z.object({
  key: z.string(),
  label: z.string(),
  count: z.number().int().nullable(),
  suppressed: z.boolean(),
  display: z.string(),
});

/**
 * Public insights (no sign-in): registrations statewide, with small-cell and complementary
 * suppression (reports/suppression.ts). Rejected registrations are not counted.
 */
export const insightsSchema = z.object({
  generatedAt: z.string(),
  total: publishedCellSchema,
  byLga: z.array(publishedCellSchema),
  bySector: z.array(publishedCellSchema),
  byGender: z.array(publishedCellSchema),
  byAgeBand: z.array(publishedCellSchema),
  /** Registrations per month (`key` = YYYY-MM). */
  overTime: z.array(publishedCellSchema),
});
export type Insights = z.infer<typeof insightsSchema>;
