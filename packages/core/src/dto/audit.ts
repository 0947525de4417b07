import { z } from 'zod';
import { text } from './common.js';
import { cursorSchema } from './respondents.js';

const isoDateTime = z.iso.datetime({ offset: true });

/** The super admin's audit viewer: every filter is an indexed equality or the time range; unknown filters → 400. */
export const auditQuerySchema = z
  .strictObject({
    actor: z.uuid().optional(),
    action: text().trim().min(1).max(100).optional(),
    targetType: text().trim().min(1).max(64).optional(),
    targetId: text().trim().min(1).max(200).optional(),
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    cursor: cursorSchema,
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .refine((q) => !q.targetId || q.targetType, { message: 'targetId needs targetType', path: ['targetId'] })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    message: 'from is after to',
    path: ['from'],
  });
export type AuditQuery = z.input<typeof auditQuerySchema>;

export const auditEntrySchema = z.object({
  id: z.uuid(),
  at: z.string(),
  actorId: z.uuid().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
});
export type AuditEntryView = z.infer<typeof auditEntrySchema>;
export const auditPageSchema = z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof auditPageSchema>;
