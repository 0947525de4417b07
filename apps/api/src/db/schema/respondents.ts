import { sql } from 'drizzle-orm';
import { boolean, check, date, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { lgas } from './lgas.js';

export const RESPONDENT_STATUSES = [
  'active',
  'pending_nin_capture',
  'imported_unverified',
  'verified',
  'rejected',
] as const;
export const CHANNELS = ['enumerator', 'public', 'clerk', 'import'] as const;

/** One trusted record per worker. One respondent per NIN, enforced here by a partial unique index. */
export const respondents = pgTable(
  'respondents',
  {
    id: uuid('id').primaryKey(),
    /** HMAC blind index of the NIN (infra/pii.ts): uniqueness and look-ups, without the NIN. */
    ninHash: text('nin_hash'),
    /** The NIN, sealed (AES-256-GCM). */
    ninSealed: text('nin_sealed'),
    /** Plaintext from before encryption (migration 0014): sealed and cleared at start, then always null. */
    legacyNin: text('nin'),
    ninVerified: boolean('nin_verified').notNull().default(false),
    status: text('status').notNull(),
    surname: text('surname'),
    firstname: text('firstname'),
    gender: text('gender'),
    dob: date('dob'),
    phoneHash: text('phone_hash'),
    phoneSealed: text('phone_sealed'),
    /** Plaintext from before encryption, as legacyNin. */
    legacyPhone: text('phone'),
    email: text('email'),
    lgaCode: text('lga_code').references(() => lgas.code),
    mainOccupation: text('main_occupation'),
    employmentType: text('employment_type'),
    yearsExperience: text('years_experience'),
    skills: text('skills').array(),
    consentMarketplace: boolean('consent_marketplace').notNull().default(false),
    consentEnriched: boolean('consent_enriched').notNull().default(false),
    source: text('source').notNull(),
    firstSubmissionId: uuid('first_submission_id'),
    createdBy: uuid('created_by'),
    /** Deferred NIN: a one-time completion link (hash only). */
    ninCaptureTokenHash: text('nin_capture_token_hash'),
    ninCaptureExpiresAt: timestamp('nin_capture_expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('respondents_nin_hash_uq')
      .on(t.ninHash)
      .where(sql`${t.ninHash} is not null`),
    uniqueIndex('respondents_nin_capture_uq')
      .on(t.ninCaptureTokenHash)
      .where(sql`${t.ninCaptureTokenHash} is not null`),
    index('respondents_lga_idx').on(t.lgaCode, t.createdAt.desc()),
    index('respondents_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('respondents_status_idx').on(t.status),
    index('respondents_phone_hash_idx').on(t.phoneHash),
    index('respondents_legacy_pii_idx')
      .on(t.id)
      .where(sql`${t.legacyNin} is not null or ${t.legacyPhone} is not null`),
    check('respondents_status_ck', sql.raw(`status in (${RESPONDENT_STATUSES.map((s) => `'${s}'`).join(', ')})`)),
    check('respondents_source_ck', sql.raw(`source in (${CHANNELS.map((s) => `'${s}'`).join(', ')})`)),
  ],
);
