import { z } from 'zod';
import { text } from './common.js';

/**
 * The respondent fields a secondary list can fill, by the names a file's header may already use
 * (the registry's own questionnaire field names): with such a header no mapping is needed.
 */
export const IMPORT_FIELDS = [
  'surname',
  'firstname',
  'gender',
  'dob',
  'phone_number',
  'nin',
  'lga_id',
  'email',
  'main_occupation',
  'employment_type',
  'years_experience',
  'skills',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
/** Fields every row must carry, mapped or by header. */
export const IMPORT_REQUIRED_FIELDS: readonly ImportField[] = ['surname', 'firstname', 'lga_id'];
export const IMPORT_MAX_ROWS = 100_000;

/** Why a row is skipped (each reason a stable code; a row may have several). */
export const IMPORT_SKIP_REASONS = {
  nin_invalid: 'The NIN is not 11 digits',
  phone_invalid: 'The phone number is not a Nigerian number',
  lga_invalid: 'The LGA is missing or unknown',
  date_invalid: 'The date of birth is not a valid past date (YYYY-MM-DD)',
  name_missing: 'Surname or first name is missing',
  gender_invalid: 'Gender is not male, female or other',
  email_invalid: 'The email address is not valid',
  nin_duplicate_registry: 'A person with this NIN is already in the registry',
  nin_duplicate_file: 'This NIN appears on an earlier row of the file',
  nin_staff: 'This NIN belongs to a registry staff member',
  likely_duplicate_phone: 'Likely the same person: this phone number is already registered',
  likely_duplicate_name: 'Likely the same person: same name, date of birth and LGA already registered',
  likely_duplicate_file: 'Likely the same person as an earlier row of the file (phone, or name + date of birth + LGA)',
} as const;
export type ImportSkipReason = keyof typeof IMPORT_SKIP_REASONS;

export const IMPORT_STATES = ['dry_run', 'confirming', 'confirmed', 'rolled_back', 'failed'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/** `{ "<column in the file>": "<respondent field>" }`; columns left out are ignored. */
export const importMappingSchema = z.record(text().trim().min(1).max(120), z.enum(IMPORT_FIELDS));
export type ImportMapping = z.infer<typeof importMappingSchema>;

export const importSourceSchema = text().trim().min(2).max(120);

export const importBatchSchema = z.object({
  id: z.uuid(),
  source: z.string(),
  fileName: z.string().nullable(),
  state: z.enum(IMPORT_STATES),
  mapping: z.record(z.string(), z.string()),
  total: z.number().int(),
  toCreate: z.number().int(),
  skipped: z.number().int(),
  /** Skipped rows by reason (a row with two reasons counts under both). */
  reasons: z.record(z.string(), z.number().int()),
  created: z.number().int(),
  jobId: z.uuid().nullable(),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
  rolledBackAt: z.string().nullable(),
  /** After a rollback: records removed, and those kept because they changed since the import. */
  rollback: z
    .object({
      removed: z.number().int(),
      kept: z.array(z.object({ respondentId: z.uuid(), reason: z.string() })),
    })
    .nullable(),
});
export type ImportBatch = z.infer<typeof importBatchSchema>;
export const importBatchResponseSchema = z.object({ batch: importBatchSchema });
export const importBatchListSchema = z.object({ items: z.array(importBatchSchema) });

export const importRowSchema = z.object({
  line: z.number().int(),
  outcome: z.enum(['create', 'skip']),
  reasons: z.array(z.string()),
  respondentId: z.uuid().nullable(),
});
export const importRowsQuerySchema = z.object({
  outcome: z.enum(['create', 'skip']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
});
export const importRowsPageSchema = z.object({ items: z.array(importRowSchema), total: z.number().int() });
export const importSourcesSchema = z.object({
  items: z.array(z.object({ source: z.string(), mapping: z.record(z.string(), z.string()) })),
});
