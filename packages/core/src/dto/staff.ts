import { z } from 'zod';
import { STAFF_ROLES, STAFF_STATUSES } from '../roles.js';
import { emailSchema } from './auth.js';
import { countModeSchema, pagedSchema, pageQuerySchema, text } from './common.js';

export const STAFF_CSV_COLUMNS = ['full_name', 'email', 'phone', 'role', 'lga'] as const;
/** Rows accepted in one staff CSV import (the whole field force is ~200 people). */
export const STAFF_CSV_MAX_ROWS = 10_000;

export const staffSchema = z.object({
  id: z.uuid(),
  fullName: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  role: z.enum(STAFF_ROLES),
  lga: z.string().nullable(),
  lgaName: z.string().nullable(),
  status: z.enum(STAFF_STATUSES),
  createdAt: z.string(),
  activatedAt: z.string().nullable(),
  lastLoginAt: z.string().nullable(),
  /** Whether a NIN is on file (the NIN itself is never sent back). */
  ninOnFile: z.boolean(),
  /** The ID card's number (`OYS-4MP-2TC`, unique) and expiry (YYYY-MM-DD). */
  cardNumber: z.string().nullable(),
  cardExpiresAt: z.string().nullable(),
});
export type Staff = z.infer<typeof staffSchema>;

export const fullNameSchema = text().trim().min(2, 'Enter the full name').max(120);
export const phoneInputSchema = text().trim().min(7).max(20);

export const inviteStaffBodySchema = z.object({
  fullName: fullNameSchema,
  email: emailSchema,
  phone: phoneInputSchema,
  role: z.enum(STAFF_ROLES),
  lga: text().trim().min(1).max(64).nullish(),
  /** The staff member's own NIN, so it can never be registered as a respondent (NIN_DUPLICATE_STAFF). */
  nin: text().trim().max(40).optional(),
});
export type InviteStaffBody = z.infer<typeof inviteStaffBodySchema>;

/**
 * How invitation mail leaves the registry. `smtp`: a mail server is configured (SMTP_URL) and the
 * relay sends the outbox. `none`: no mail server — the message stays, unsent, in the API's mail
 * outbox (the `mail_outbox` table) until its link expires, so the link must be handed over by hand.
 */
export const MAIL_TRANSPORTS = ['smtp', 'none'] as const;
export type MailTransport = (typeof MAIL_TRANSPORTS)[number];
export const mailDeliverySchema = z.object({ transport: z.enum(MAIL_TRANSPORTS) });
export type MailDelivery = z.infer<typeof mailDeliverySchema>;

export const inviteStaffResponseSchema = z.object({
  staff: staffSchema,
  activationUrl: z.string(),
  mail: mailDeliverySchema,
});

export const updateStaffBodySchema = z
  .object({
    role: z.enum(STAFF_ROLES).optional(),
    lga: text().trim().min(1).max(64).nullable().optional(),
    status: z.enum(['active', 'suspended', 'deactivated']).optional(),
    nin: text().trim().max(40).nullable().optional(),
  })
  .refine((b) => b.role !== undefined || b.lga !== undefined || b.status !== undefined || b.nin !== undefined, {
    message: 'Change at least one of role, lga, status, nin',
  });
export type UpdateStaffBody = z.infer<typeof updateStaffBodySchema>;

export const listStaffQuerySchema = pageQuerySchema.extend({
  status: z.enum(STAFF_STATUSES).optional(),
  role: z.enum(STAFF_ROLES).optional(),
  lga: text().trim().min(1).max(64).optional(),
  q: text().trim().max(100).optional(),
  count: countModeSchema,
});
export type ListStaffQuery = z.infer<typeof listStaffQuerySchema>;

export const staffPageSchema = pagedSchema(staffSchema);
export type StaffPage = z.infer<typeof staffPageSchema>;

/** Capacity planning (SPEC): the super admin is warned when field staff pass these counts. */
export const FIELD_STAFF_THRESHOLDS = [120, 180] as const;

export const staffSummarySchema = z.object({
  /** Active or invited supervisors and enumerators. */
  fieldStaff: z.number().int(),
  byRole: z.record(z.string(), z.number().int()),
  byStatus: z.record(z.string(), z.number().int()),
  /** The highest threshold passed, or null. */
  fieldStaffThresholdPassed: z.number().int().nullable(),
});
export type StaffSummary = z.infer<typeof staffSummarySchema>;

export const staffResponseSchema = z.object({ staff: staffSchema });
export const activationUrlResponseSchema = z.object({ activationUrl: z.string(), mail: mailDeliverySchema });

/** `POST /staff/import/:id/invitations`: new links mailed to everyone of that import still not activated. */
export const resendInvitationsResponseSchema = z.object({
  resent: z.number().int(),
  mail: mailDeliverySchema,
});
export type ResendInvitationsResponse = z.infer<typeof resendInvitationsResponseSchema>;

/** The columns of the activation-links CSV of one staff import (`POST /staff/import/:id/activation-links`). */
export const ACTIVATION_LINKS_CSV_COLUMNS = [
  'full_name',
  'email',
  'role',
  'lga',
  'activation_url',
  'expires_at',
] as const;

/** What a client sends (before defaults and trimming): the web's form inputs. */
export type ListStaffParams = z.input<typeof listStaffQuerySchema>;
export type InviteStaffInput = z.input<typeof inviteStaffBodySchema>;
export type UpdateStaffInput = z.input<typeof updateStaffBodySchema>;
