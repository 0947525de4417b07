import { z } from 'zod';

/** Operations alerts shown to the super admin: the seed's scaling triggers, computed by the API. */
export const OPS_ALERT_CODES = [
  'MEMORY_HIGH',
  'API_P95_HIGH',
  'QUEUE_UNAVAILABLE',
  'QUEUE_BACKLOG',
  'QUEUE_BACKLOG_GROWING',
  'JOB_FAILURES',
  'FIELD_STAFF_ABOVE_120',
  'FIELD_STAFF_ABOVE_180',
] as const;
export type OpsAlertCode = (typeof OPS_ALERT_CODES)[number];

export const opsAlertSchema = z.object({
  code: z.enum(OPS_ALERT_CODES),
  severity: z.enum(['info', 'warning', 'critical']),
  /** In English (logs, monitoring); pages word the code with `params` (`staff.admin.ops.alert.<code>`). */
  message: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  value: z.number(),
  threshold: z.number(),
  /** What value and threshold count: '%', 'ms', 'jobs', 'staff'. */
  unit: z.string(),
});
export type OpsAlert = z.infer<typeof opsAlertSchema>;

export const opsAlertsSchema = z.object({ alerts: z.array(opsAlertSchema) });
export type OpsAlerts = z.infer<typeof opsAlertsSchema>;
