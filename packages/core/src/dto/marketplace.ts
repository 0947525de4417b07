import { z } from 'zod';
import { LGA_CODES } from '../lgas.js';
import { SECTORS, SKILLS } from '../reports/taxonomy.js';
import { emailSchema, passwordSchema } from './auth.js';
import { text } from './common.js';
import { cursorSchema } from './respondents.js';

/** The questionnaire's experience bands (`experience_list`), with their floor in years: the filter. */
export const EXPERIENCE_BANDS = [
  { key: 'less_1', label: 'Less than 1 year', minYears: 0 },
  { key: '1_3', label: '1–3 years', minYears: 1 },
  { key: '4_6', label: '4–6 years', minYears: 4 },
  { key: '7_10', label: '7–10 years', minYears: 7 },
  { key: 'over_10', label: 'Over 10 years', minYears: 11 },
] as const;
export type ExperienceBand = (typeof EXPERIENCE_BANDS)[number]['key'];
export function experienceBand(key: string | null | undefined) {
  return EXPERIENCE_BANDS.find((b) => b.key === key);
}

/** The longest free-text query (characters): longer is refused with a clear 400. */
export const MARKETPLACE_QUERY_MAX = 100;
/** The terms a searcher accepts at registration; a new version would ask again. */
export const SEARCHER_TERMS_VERSION = '2026-12';
/** Contact reveals per searcher per day (Africa/Lagos), and public searches per IP per minute (SPEC limits). */
export const REVEALS_PER_DAY = 50;
export const SEARCHES_PER_MINUTE = 30;

const skillSlugs = SKILLS.map((s) => s.slug) as [string, ...string[]];
const sectorCodes = SECTORS.map((s) => s.code) as [string, ...string[]];

/** Public search; unknown parameters are refused (400), so a typo is not silently ignored. */
export const marketplaceSearchQuerySchema = z.strictObject({
  q: text().trim().max(MARKETPLACE_QUERY_MAX, `Search with at most ${MARKETPLACE_QUERY_MAX} characters`).optional(),
  skill: z.enum(skillSlugs, { message: 'Unknown skill' }).optional(),
  sector: z.enum(sectorCodes, { message: 'Unknown sector' }).optional(),
  lga: z.enum(LGA_CODES as unknown as [string, ...string[]], { message: 'Unknown Local Government Area' }).optional(),
  minYears: z.coerce.number().int().min(0).max(60).optional(),
  verified: z.enum(['true', 'false']).optional(),
  cursor: cursorSchema,
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type MarketplaceSearchQuery = z.input<typeof marketplaceSearchQuerySchema>;

/** What the public sees of a worker: never a name, phone, email, NIN, date of birth or address. */
export const marketplaceProfileSchema = z.object({
  id: z.uuid(),
  profession: z.string(),
  /** The skill the profession names (its slug), when it is one of the taxonomy's: pages show it in the reader's language. */
  professionSkill: z.string().nullable(),
  skills: z.array(z.object({ slug: z.string(), label: z.string(), sector: z.string(), sectorName: z.string() })),
  lga: z.object({ code: z.string(), name: z.string() }),
  experience: z.object({ band: z.string(), label: z.string(), minYears: z.number().int() }).nullable(),
  verified: z.boolean(),
  bio: z.string().optional(),
});
export type MarketplaceProfile = z.infer<typeof marketplaceProfileSchema>;

export const marketplaceSearchResponseSchema = z.object({
  items: z.array(marketplaceProfileSchema),
  nextCursor: z.string().nullable(),
});
export type MarketplaceSearchPage = z.infer<typeof marketplaceSearchResponseSchema>;
export const marketplaceProfileResponseSchema = z.object({ profile: marketplaceProfileSchema });

/** The filters' choices, and the directory link (a bot trap: no person is shown it; see robots.txt). */
export const marketplaceOptionsResponseSchema = z.object({
  skills: z.array(z.object({ slug: z.string(), label: z.string(), sector: z.string() })),
  sectors: z.array(z.object({ code: z.string(), name: z.string() })),
  experience: z.array(z.object({ band: z.string(), label: z.string(), minYears: z.number().int() })),
  directory: z.string(),
});
export type MarketplaceOptions = z.infer<typeof marketplaceOptionsResponseSchema>;

export const revealBodySchema = z.strictObject({
  purpose: text()
    .trim()
    .min(10, 'Say in a few words why you need this contact (at least 10 characters)')
    .max(300, 'Keep the purpose under 300 characters'),
});
export const revealResponseSchema = z.object({
  name: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  /** Reveals left today after this one. */
  remainingToday: z.number().int(),
});
export type RevealResponse = z.infer<typeof revealResponseSchema>;

// --- searcher accounts ---------------------------------------------------------------------------

export const searcherRegisterBodySchema = z.strictObject({
  fullName: text().trim().min(2, 'Enter your full name').max(120),
  email: emailSchema,
  password: passwordSchema,
  organisation: text().trim().max(160).optional(),
  acceptTerms: z.literal(true, { message: 'Accept the terms of use to register' }),
});
export const searcherVerifyBodySchema = z.strictObject({ token: text().min(16).max(200) });

export const searcherStatusSchema = z.object({
  organisation: z.string().nullable(),
  emailVerified: z.boolean(),
  termsVersion: z.string(),
  termsAcceptedAt: z.string(),
  blocked: z.boolean(),
  revealsToday: z.number().int(),
  revealsPerDay: z.number().int(),
});
export type SearcherStatus = z.infer<typeof searcherStatusSchema>;
export const searcherStatusResponseSchema = z.object({ searcher: searcherStatusSchema });

/** One reveal, as the super admin's log lists it. */
export const revealLogItemSchema = z.object({
  id: z.uuid(),
  at: z.string(),
  searcher: z.object({ id: z.uuid(), name: z.string(), email: z.string(), organisation: z.string().nullable() }),
  profileId: z.uuid(),
  respondentId: z.uuid(),
  purpose: z.string(),
  ip: z.string().nullable(),
});
export type RevealLogItem = z.infer<typeof revealLogItemSchema>;
export const revealLogQuerySchema = z.strictObject({
  cursor: cursorSchema,
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export const revealLogResponseSchema = z.object({
  items: z.array(revealLogItemSchema),
  nextCursor: z.string().nullable(),
});

// --- residents' self-service ---------------------------------------------------------------------

/** Who saw a resident's contact: the searcher's name and organisation, when and why (not their email). */
export const myRevealSchema = z.object({
  at: z.string(),
  searcherName: z.string(),
  organisation: z.string().nullable(),
  purpose: z.string(),
});

/** Why a resident who agreed to be listed is not (yet): no NIN on file, rejected, merged, awaiting verification, no trade. */
export const PROFILE_NOTES = ['ninMissing', 'rejected', 'merged', 'unverified', 'noTrade'] as const;
export type ProfileNote = (typeof PROFILE_NOTES)[number];

export const myRegistrationSchema = z.object({
  respondentId: z.uuid(),
  /** The short reference the resident quotes to the help desk (`OY-7K3-9QX`). */
  reference: z.string(),
  status: z.string(),
  verified: z.boolean(),
  registeredAt: z.string(),
  /** What the registry holds about them (their own phone in full, their NIN masked). */
  record: z.object({
    surname: z.string().nullable(),
    firstname: z.string().nullable(),
    gender: z.string().nullable(),
    dob: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    nin: z.string().nullable(),
    lga: z.object({ code: z.string(), name: z.string() }).nullable(),
    mainOccupation: z.string().nullable(),
    /** The taxonomy skill the occupation names (a slug or a skill's English label), for pages to word it. */
    mainOccupationSkill: z.string().nullable(),
    employmentType: z.string().nullable(),
    /** The years-of-experience band's English words (or the stored value when it is not a band). */
    experience: z.string().nullable(),
    /** The band's key (`less_1`, `1_3`, …) when it is one: pages show it in the reader's language. */
    experienceBand: z.string().nullable(),
    skills: z.array(z.object({ slug: z.string(), label: z.string() })),
  }),
  /** Their answers as submitted (question name → value), the NIN masked. */
  answers: z.record(z.string(), z.unknown()),
  questionnaireVersionId: z.uuid().nullable(),
  consent: z.object({ marketplace: z.boolean(), enriched: z.boolean() }),
  bio: z.string().nullable(),
  /** Their anonymous profile as the public sees it, while listed. */
  profile: marketplaceProfileSchema.nullable(),
  /**
   * Why there is no profile although consent was given, as a code (pages say it in the reader's
   * language: `account.my.profileNote.<code>`), or null.
   */
  profileNote: z.enum(PROFILE_NOTES).nullable(),
  reveals: z.array(myRevealSchema),
  /** Correction requests they sent, newest first, with their review state. */
  corrections: z.array(
    z.object({ id: z.uuid(), submittedAt: z.string(), status: z.string(), comment: z.string().nullable() }),
  ),
});
export type MyRegistration = z.infer<typeof myRegistrationSchema>;
export const myRegistrationResponseSchema = z.object({ registration: myRegistrationSchema.nullable() });

export const consentBodySchema = z.strictObject({ marketplace: z.boolean(), enriched: z.boolean() });
export const consentResponseSchema = z.object({
  consent: z.object({ marketplace: z.boolean(), enriched: z.boolean() }),
  listed: z.boolean(),
});
export const bioBodySchema = z.strictObject({
  bio: text().trim().max(280, 'Keep it under 280 characters').nullable(),
});
