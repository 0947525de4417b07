import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  customType,
  index,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { lgas } from './lgas.js';
import { users } from './users.js';

/**
 * The anonymous marketplace profile of a consenting respondent (SPEC "The skills marketplace"), kept
 * by the respondents module in the same transaction as every change to the record: built when the
 * first consent is given and a NIN is on file, deleted the moment consent goes or the record is
 * rejected or merged. It holds nothing that names or reaches the person: the id is random (never the
 * respondent's), and contact details are only ever read from the respondent at a reveal.
 */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const marketplaceProfiles = pgTable(
  'marketplace_profiles',
  {
    /** Random (v4): not guessable, not ordered by time, not the respondent's id. */
    id: uuid('id').primaryKey(),
    respondentId: uuid('respondent_id').notNull(),
    profession: text('profession').notNull(),
    /** Skill slugs (packages/core taxonomy) and their sectors. */
    skills: text('skills').array().notNull(),
    sectors: text('sectors').array().notNull(),
    lgaCode: text('lga_code')
      .notNull()
      .references(() => lgas.code),
    /** The questionnaire's experience band (`less_1`, `1_3`, …) and its floor in years (the filter). */
    experience: text('experience'),
    yearsMin: smallint('years_min').notNull().default(0),
    verified: boolean('verified').notNull().default(false),
    bio: text('bio'),
    /** What free text searches: profession, skill labels and sector names. */
    searchText: text('search_text').notNull(),
    /** search_text as the search matches it, stored: a page is found without parsing text per row. */
    searchTsv: tsvector('search_tsv')
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('english', search_text)`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('marketplace_profiles_respondent_uq').on(t.respondentId),
    // The result order is (tier, verified, id); with no text the tier is 0. Pages are read in that
    // order from three covering indexes — all profiles, one LGA, one profession — that carry every
    // filtered column (INCLUDE, so hand-written in migration 0022: drizzle cannot declare them).
    index('marketplace_profiles_skills_idx').using('gin', t.skills),
    index('marketplace_profiles_sectors_idx').using('gin', t.sectors),
    index('marketplace_profiles_tsv_idx').using('gin', t.searchTsv),
  ],
);

/**
 * Every profession a profile has (had): free text is matched against these few distinct values, not
 * against each profile (which profession a query names, which it nearly spells). Filled by a trigger
 * on marketplace_profiles (migration 0022), never emptied: a profession no profile has any more only
 * costs a lookup that finds nothing.
 */
export const marketplaceProfessions = pgTable(
  'marketplace_professions',
  { profession: text('profession').primaryKey() },
  (t) => [
    // A slash separates words ("Tailoring/Sewing"): PostgreSQL's parser would read a file path.
    index('marketplace_professions_tsv_idx').using(
      'gin',
      sql`to_tsvector('english', translate(${t.profession}, '/', ' '))`,
    ),
    index('marketplace_professions_trgm_idx').using('gin', sql`lower(${t.profession}) gin_trgm_ops`),
  ],
);

/**
 * A marketplace searcher's account beside their `users` row (role `searcher`): the organisation, the
 * terms they accepted (version and time), their email's verification, and a block (a bot trap or an
 * operator's decision stops reveals at once).
 */
export const searchers = pgTable(
  'searchers',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    organisation: text('organisation'),
    termsVersion: text('terms_version').notNull(),
    termsAcceptedAt: timestamp('terms_accepted_at', { withTimezone: true }).notNull(),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    /** SHA-256 of the emailed verification token (never the token). */
    verifyTokenHash: text('verify_token_hash'),
    verifyExpiresAt: timestamp('verify_expires_at', { withTimezone: true }),
    blockedAt: timestamp('blocked_at', { withTimezone: true }),
    blockedReason: text('blocked_reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('searchers_verify_token_uq')
      .on(t.verifyTokenHash)
      .where(sql`${t.verifyTokenHash} is not null`),
  ],
);

/**
 * Every contact reveal (SPEC: searcher, worker, time; plus the address and the stated purpose). Kept
 * when the profile goes: the worker keeps seeing who saw their contact. Append-only for the app role.
 */
export const contactReveals = pgTable(
  'contact_reveals',
  {
    id: uuid('id').primaryKey(),
    searcherId: uuid('searcher_id')
      .notNull()
      .references(() => users.id),
    /** The profile as it was revealed (it may since have been deleted). */
    profileId: uuid('profile_id').notNull(),
    respondentId: uuid('respondent_id').notNull(),
    purpose: text('purpose').notNull(),
    ip: text('ip'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('contact_reveals_searcher_idx').on(t.searcherId, t.createdAt.desc()),
    index('contact_reveals_respondent_idx').on(t.respondentId, t.createdAt.desc()),
    index('contact_reveals_created_idx').on(t.createdAt.desc(), t.id.desc()),
    check('contact_reveals_purpose_ck', sql`length(${t.purpose}) between 1 and 500`),
  ],
);
