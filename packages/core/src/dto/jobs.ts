import { z } from 'zod';

export const JOB_STATES = ['queued', 'running', 'completed', 'failed'] as const;

export const jobRowErrorSchema = z.object({
  /** 1-based line number in the file, counting the header as line 1. */
  row: z.number().int(),
  field: z.string().optional(),
  code: z.string(),
  message: z.string(),
});
export type JobRowError = z.infer<typeof jobRowErrorSchema>;

export const jobSchema = z.object({
  id: z.uuid(),
  type: z.string(),
  state: z.enum(JOB_STATES),
  processed: z.number().int(),
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  errors: z.array(jobRowErrorSchema),
  error: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type Job = z.infer<typeof jobSchema>;

export const jobResponseSchema = z.object({ job: jobSchema });
export type JobResponse = z.infer<typeof jobResponseSchema>;
