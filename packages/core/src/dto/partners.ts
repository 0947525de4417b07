import { z } from 'zod';
import { isLgaCode } from '../lgas.js';
import { text } from './common.js';

/**
 * What a partner key may read. `respondents:nin` and `respondents:phone` only widen
 * `respondents:read` (a key without it never sees a record); nothing else ever shows a NIN.
 */
export const PARTNER_SCOPES = [
  'respondents:read',
  'respondents:nin',
  'respondents:phone',
  'insights:read',
  'skills:read',
] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

/** The visible start of every partner key, so a leaked one is recognised (secret scanners, logs). */
export const PARTNER_KEY_PREFIX = 'oslrs_pk_';
/** The prefix, 12 characters that name the key (its look-up id, shown in lists), 32 of secret. */
export const PARTNER_KEY_PATTERN = /^oslrs_pk_[A-Za-z0-9_-]{44}$/;
/** How long a rotated-away key keeps working. */
export const PARTNER_KEY_OVERLAP_MS = 7 * 24 * 3600_000;

const lgaList = z
  .array(text().max(40))
  .min(1)
  .max(40)
  .superRefine((codes, ctx) => {
    for (const [i, c] of codes.entries())
      if (!isLgaCode(c)) ctx.addIssue({ code: 'custom', message: `Unknown LGA code: ${c}`, path: [i] });
    if (new Set(codes).size !== codes.length) ctx.addIssue({ code: 'custom', message: 'An LGA is listed twice' });
  });

export const createPartnerKeyBodySchema = z.object({
  name: text().trim().min(2).max(120),
  scopes: z
    .array(z.enum(PARTNER_SCOPES))
    .min(1)
    .max(PARTNER_SCOPES.length)
    .refine((s) => new Set(s).size === s.length, 'A scope is listed twice'),
  lgas: z.union([z.literal('all'), lgaList]),
  rateLimitPerMinute: z.number().int().min(1).max(100_000).default(60),
});
export type CreatePartnerKeyBody = z.infer<typeof createPartnerKeyBodySchema>;

export const PARTNER_KEY_STATES = ['active', 'rotating', 'expired', 'revoked'] as const;

export const partnerKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** The key's first characters (prefix + look-up id): enough to recognise it, never to use it. */
  keyPrefix: z.string(),
  scopes: z.array(z.string()),
  lgas: z.union([z.literal('all'), z.array(z.string())]),
  rateLimitPerMinute: z.number().int(),
  state: z.enum(PARTNER_KEY_STATES),
  createdAt: z.string(),
  /** Set on a rotated-away key: it stops working then. */
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  /** The key that replaced this one in a rotation. */
  replacedBy: z.uuid().nullable(),
  lastUsedAt: z.string().nullable(),
  callCount: z.number().int(),
});
export type PartnerKey = z.infer<typeof partnerKeySchema>;

export const partnerKeyListSchema = z.object({ items: z.array(partnerKeySchema) });
/** The only answer that ever holds the key itself. */
export const partnerKeyCreatedSchema = z.object({ partnerKey: partnerKeySchema, key: z.string() });
export const partnerKeyResponseSchema = z.object({ partnerKey: partnerKeySchema });

// --- what partners read ---------------------------------------------------------------------

export const partnerRespondentsQuerySchema = z.object({
  cursor: text()
    .regex(/^[A-Za-z0-9_-]{4,400}$/, 'Use the nextCursor of the previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  lga: text().max(40).optional(),
  /** Records created or changed at or after this instant (ISO 8601). */
  updatedSince: z.iso.datetime({ offset: true }).optional(),
});
export type PartnerRespondentsQuery = z.infer<typeof partnerRespondentsQuerySchema>;

export const partnerRespondentSchema = z.object({
  id: z.uuid(),
  status: z.string(),
  surname: z.string().nullable(),
  firstname: z.string().nullable(),
  gender: z.string().nullable(),
  dob: z.string().nullable(),
  lga: z.string().nullable(),
  mainOccupation: z.string().nullable(),
  employmentType: z.string().nullable(),
  yearsExperience: z.string().nullable(),
  skills: z.array(z.string()),
  verified: z.boolean(),
  source: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Only with the `respondents:nin` scope. */
  nin: z.string().nullable().optional(),
  /** Only with the `respondents:phone` scope. */
  phone: z.string().nullable().optional(),
});
export type PartnerRespondent = z.infer<typeof partnerRespondentSchema>;
export const partnerRespondentPageSchema = z.object({
  items: z.array(partnerRespondentSchema),
  nextCursor: z.string().nullable(),
});

export const partnerSkillsSchema = z.object({
  sectors: z.array(z.object({ code: z.string(), name: z.string() })),
  skills: z.array(z.object({ slug: z.string(), label: z.string(), sector: z.string(), isco: z.string() })),
});
