import { z } from 'zod';
import { formSchema } from '../forms/schema.js';

export const QUESTIONNAIRE_STATUSES = ['draft', 'published', 'archived'] as const;

export const questionnaireVersionSchema = z.object({
  /** What a submission names as `questionnaireVersionId`. */
  id: z.uuid(),
  version: z.number().int(),
  publishedAt: z.string(),
  publishedBy: z.string().nullable(),
});

export const questionnaireSummarySchema = z.object({
  id: z.uuid(),
  title: z.string(),
  formId: z.string(),
  status: z.enum(QUESTIONNAIRE_STATUSES),
  latestVersion: z.number().int().nullable(),
  updatedAt: z.string(),
  usage: z.object({ staff: z.boolean(), public: z.boolean() }),
});
export type QuestionnaireSummary = z.infer<typeof questionnaireSummarySchema>;

export const questionnaireSchema = questionnaireSummarySchema.extend({
  draft: formSchema,
  versions: z.array(questionnaireVersionSchema),
});
export type Questionnaire = z.infer<typeof questionnaireSchema>;

export const formIssueSchema = z.object({ field: z.string(), code: z.string(), message: z.string() });

export const questionnaireBodySchema = z.object({ form: formSchema });

export const questionnaireUsageSchema = z.object({
  staffQuestionnaireId: z.uuid().nullable(),
  publicQuestionnaireId: z.uuid().nullable(),
});
export type QuestionnaireUsage = z.infer<typeof questionnaireUsageSchema>;

export const xlsFormIssueSchema = z.object({
  sheet: z.string(),
  row: z.number().int().optional(),
  column: z.string().optional(),
  code: z.string(),
  message: z.string(),
});

export const versionQuerySchema = z.object({ version: z.coerce.number().int().min(1).max(1_000_000).optional() });
export const questionnaireWithIssuesSchema = z.object({
  questionnaire: questionnaireSchema,
  issues: z.array(formIssueSchema),
});
export const questionnaireListSchema = z.object({ items: z.array(questionnaireSummarySchema) });
export const questionnaireResponseSchema = z.object({ questionnaire: questionnaireSchema });
export const xlsFormImportResponseSchema = z.object({
  questionnaire: questionnaireSchema,
  created: z.boolean(),
  warnings: z.array(xlsFormIssueSchema),
});
export type XlsFormImportResponse = z.infer<typeof xlsFormImportResponseSchema>;
export const publishResponseSchema = z.object({
  version: z.object({ version: z.number().int(), publishedAt: z.string() }),
});
export const usageResponseSchema = z.object({ settings: questionnaireUsageSchema });
export type XlsFormIssue = z.infer<typeof xlsFormIssueSchema>;

/** GET /forms/:id/schema (sent pre-serialised from a cache, so described here rather than by the route). */
export const publishedFormSchema = z.object({
  questionnaireId: z.uuid(),
  /** What a submission names as the version it answered. */
  versionId: z.uuid(),
  version: z.number().int(),
  form: formSchema,
});
export type PublishedForm = z.infer<typeof publishedFormSchema>;
