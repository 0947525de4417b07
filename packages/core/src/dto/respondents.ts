import { z } from 'zod';
import { text } from './common.js';
import { submissionStatusSchema } from './submissions.js';

export const RESPONDENT_STATUSES = [
  'active',
  'pending_nin_capture',
  'imported_unverified',
  'verified',
  'rejected',
] as const;
export type RespondentStatus = (typeof RESPONDENT_STATUSES)[number];

export const completeNinBodySchema = z.object({ token: text().min(16).max(200), nin: text().max(40) });
export const completeNinResponseSchema = z.object({ respondent: z.object({ id: z.uuid(), status: z.string() }) });

/** One respondent as an overseer sees it: the NIN masked except for super admins and assessors. */
export const respondentDetailSchema = z.object({
  id: z.uuid(),
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
  employmentType: z.string().nullable(),
  yearsExperience: z.string().nullable(),
  skills: z.array(z.string()),
  consentMarketplace: z.boolean(),
  consentEnriched: z.boolean(),
  source: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submissions: z.array(submissionStatusSchema.extend({ channel: z.string(), completedAt: z.string() })),
});
export type RespondentDetail = z.infer<typeof respondentDetailSchema>;
export const respondentDetailResponseSchema = z.object({ respondent: respondentDetailSchema });
