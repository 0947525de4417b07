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
