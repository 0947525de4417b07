import { z } from 'zod';
import { LOCALES } from '../i18n/locales.js';
import { text } from './common.js';
import { listStaffQuerySchema } from './staff.js';

/** Cards in one bulk ID-card PDF at most (20 A4 sheets); beyond it the caller narrows the list. */
export const MAX_CARDS_PER_PDF = 200;

/** `?lang=yo`: the document's language (else the browser's Accept-Language, else English). */
export const documentQuerySchema = z.strictObject({ lang: z.enum(LOCALES).optional() });

/** Bulk ID cards: the staff list's own filters (no paging: one PDF, capped). */
export const staffCardsQuerySchema = listStaffQuerySchema
  .pick({ status: true, role: true, lga: true, q: true })
  .extend({ lang: z.enum(LOCALES).optional() })
  .strict();

export const codeParamSchema = z.object({ code: text().trim().min(1).max(40) });

/** The public check of a registration reference: that it exists and its status, nothing personal. */
export const registrationCheckSchema = z.object({
  valid: z.literal(true),
  reference: z.string(),
  status: z.string(),
  verified: z.boolean(),
});
export type RegistrationCheck = z.infer<typeof registrationCheckSchema>;

/** The public check of a staff ID card: whose it is and whether it stands today. */
export const cardCheckSchema = z.object({
  valid: z.boolean(),
  cardNumber: z.string(),
  name: z.string(),
  role: z.string(),
  lga: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export type CardCheck = z.infer<typeof cardCheckSchema>;

/** The catalogue ids (area `documents`) of a registration's status, as slips and the check page say it. */
export const REGISTRATION_STATUS_TEXT_IDS: Record<string, string> = {
  active: 'documents.status.active',
  pending_nin_capture: 'documents.status.pendingNin',
  imported_unverified: 'documents.status.imported',
  verified: 'documents.status.verified',
  rejected: 'documents.status.rejected',
  merged: 'documents.status.merged',
};

/** The catalogue ids (area `documents`) of a staff role, as cards and the card check say it. */
export const CARD_ROLE_TEXT_IDS: Record<string, string> = {
  super_admin: 'documents.role.superAdmin',
  supervisor: 'documents.role.supervisor',
  enumerator: 'documents.role.enumerator',
  data_entry_clerk: 'documents.role.clerk',
  verification_assessor: 'documents.role.assessor',
  government_official: 'documents.role.official',
};
