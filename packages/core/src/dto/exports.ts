import { z } from 'zod';
import { reportFilterSchema } from './reports.js';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_STATES = ['queued', 'running', 'completed', 'failed', 'expired'] as const;

/** `POST /exports`: the report summary's filters (same validation, same scope rules). */
export const exportRequestSchema = z.strictObject({
  format: z.enum(EXPORT_FORMATS),
  filters: reportFilterSchema.default({}),
});
export type ExportRequest = z.infer<typeof exportRequestSchema>;

export const exportCreatedSchema = z.object({
  jobId: z.uuid(),
  exportId: z.uuid(),
  /** True when the same export (same person, format and filters) was already running: its ids are returned. */
  reused: z.boolean(),
});
export type ExportCreated = z.infer<typeof exportCreatedSchema>;

export const exportSchema = z.object({
  id: z.uuid(),
  jobId: z.uuid(),
  format: z.enum(EXPORT_FORMATS),
  /** The filters the rows were selected with (after defaults and the caller's scope). */
  filters: z.object({
    from: z.string().nullable(),
    to: z.string(),
    lga: z.string().nullable(),
    channel: z.string().nullable(),
    status: z.string().nullable(),
  }),
  state: z.enum(EXPORT_STATES),
  rowCount: z.number().int().nullable(),
  /** Whether NIN and phone are in full (super admin, assessor) or masked. */
  identifiers: z.enum(['full', 'masked']),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type ExportInfo = z.infer<typeof exportSchema>;
export const exportResponseSchema = z.object({ export: exportSchema });
