import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  index,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { lgas } from './lgas.js';

export const RESPONDENT_STATUSES = [
  'active',
  'pending_nin_capture',
  'imported_unverified',
  'verified',
  'rejected',
  /** Folded into another record by a duplicates review (`merged_into`); never deleted. */
  'merged',
] as const;
export const VERIFICATION_DECISIONS = ['verified', 'rejected'] as const;
/** Fraud bands by rank: a respondent keeps the highest rank any of its submissions scored. */
export const FRAUD_BAND_RANK: Record<string, number> = { clean: 0, low: 1, medium: 2, high: 3, critical: 4 };
export const CHANNELS = ['enumerator', 'public', 'clerk', 'import', 'ussd'] as const;

/** One trusted record per worker. One respondent per NIN, enforced here by a partial unique index. */
export const respondents = pgTable(
  'respondents',
  {
    id: uuid('id').primaryKey(),
    /**
     * The short reference a resident reads out (`OY-7K3-9QX`, `@oslrs/core` reference.ts): drawn from a
     * sequence by the database in the insert itself, whatever creates the record (every channel, imports).
     */
    reference: text('reference')
      .notNull()
      .default(sql`oslrs_code('OY', 0, 0, nextval('respondent_reference_seq'))`),
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
    /** The phone came from the mobile network itself (the USSD channel), not typed by anyone. */
    phoneVerified: boolean('phone_verified').notNull().default(false),
    email: text('email'),
    lgaCode: text('lga_code').references(() => lgas.code),
    mainOccupation: text('main_occupation'),
    employmentType: text('employment_type'),
    yearsExperience: text('years_experience'),
    skills: text('skills').array(),
    consentMarketplace: boolean('consent_marketplace').notNull().default(false),
    consentEnriched: boolean('consent_enriched').notNull().default(false),
    /** The resident's own short line for their marketplace profile (self-service), shown only while listed. */
    marketplaceBio: text('marketplace_bio'),
    source: text('source').notNull(),
    firstSubmissionId: uuid('first_submission_id'),
    createdBy: uuid('created_by'),
    /** Deferred NIN: a one-time completion link (hash only). */
    ninCaptureTokenHash: text('nin_capture_token_hash'),
    ninCaptureExpiresAt: timestamp('nin_capture_expires_at', { withTimezone: true }),
    /** The assessor's decision (SPEC "assessor audit queue"): null until decided; the marketplace's badge. */
    verification: text('verification'),
    verifiedBy: uuid('verified_by'),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    verificationReason: text('verification_reason'),
    /** The highest fraud band (by FRAUD_BAND_RANK) among the respondent's submissions: the queue reads it. */
    flagRank: smallint('flag_rank').notNull().default(0),
    /** A stable pseudo-random bucket 0–99 from the id's random tail: the queue's clean sample. */
    sampleBucket: smallint('sample_bucket')
      .notNull()
      .generatedAlwaysAs(sql`((get_byte(uuid_send(id), 14) * 256 + get_byte(uuid_send(id), 15)) % 100)`),
    /** Set when a duplicates review merged this record into another (status `merged`). */
    mergedInto: uuid('merged_into'),
    /**
     * The registration confirmation email of a web registration (documents module, confirmations.ts):
     * null while due, `sent` once written to the mail outbox, `none` when none goes (no active account,
     * the record no longer live, or registered before confirmations existed). Ingestion never sets it.
     */
    confirmationMail: text('confirmation_mail'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('respondents_reference_uq').on(t.reference),
    uniqueIndex('respondents_nin_hash_uq')
      .on(t.ninHash)
      .where(sql`${t.ninHash} is not null`),
    uniqueIndex('respondents_nin_capture_uq')
      .on(t.ninCaptureTokenHash)
      .where(sql`${t.ninCaptureTokenHash} is not null`),
    // Registry browse: keyset on (created_at, id), by LGA and by status. `active` (every new record) is
    // left out of the status index (migration 0032): a page of it reads respondents_created_idx or
    // respondents_lga_idx and keeps nearly every row; the index serves the few of the other statuses.
    index('respondents_lga_idx').on(t.lgaCode, t.createdAt.desc(), t.id.desc()),
    index('respondents_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('respondents_status_idx')
      .on(t.status, t.createdAt.desc(), t.id.desc())
      .where(sql`${t.status} <> 'active'`),
    // Partner reads: records changed since an instant, keyset on (updated_at, id), statewide or by LGA.
    index('respondents_updated_idx').on(t.updatedAt, t.id),
    index('respondents_lga_updated_idx').on(t.lgaCode, t.updatedAt, t.id),
    // Exact phone search and the likely-duplicates check, by the phone's blind index.
    index('respondents_phone_hash_idx').on(t.phoneHash),
    // A resident's own record (self-service): the account that registered it.
    index('respondents_created_by_idx')
      .on(t.createdBy)
      .where(sql`${t.source} = 'public'`),
    index('respondents_legacy_pii_idx')
      .on(t.id)
      .where(sql`${t.legacyNin} is not null or ${t.legacyPhone} is not null`),
    // Likely duplicates: same name + date of birth + LGA (the phone uses respondents_phone_hash_idx).
    index('respondents_name_key_idx').on(sql`lower(${t.surname})`, sql`lower(${t.firstname})`, t.dob, t.lgaCode),
    // The assessor queue: undecided records, flagged first, oldest first.
    index('respondents_verification_queue_idx')
      .on(t.flagRank.desc(), t.createdAt, t.id)
      .where(sql`${t.verification} is null and ${t.status} <> 'merged'`),
    // Web registrations whose confirmation email is still due: the job's claim reads it, and it empties as the job runs.
    index('respondents_confirmation_due_idx')
      .on(t.createdAt)
      .where(sql`${t.source} = 'public' and ${t.confirmationMail} is null`),
    check('respondents_confirmation_mail_ck', sql`${t.confirmationMail} in ('sent', 'none')`),
    check('respondents_verification_ck', sql`${t.verification} in ('verified', 'rejected')`),
    check('respondents_status_ck', sql.raw(`status in (${RESPONDENT_STATUSES.map((s) => `'${s}'`).join(', ')})`)),
    check('respondents_source_ck', sql.raw(`source in (${CHANNELS.map((s) => `'${s}'`).join(', ')})`)),
  ],
);

/**
 * Likely duplicates among people without a NIN (SPEC "Identity"): one row per pair (respondent_a <
 * respondent_b), found at ingestion. `distinct` remembers a reviewed pair so it never reappears;
 * `merged` records which one was kept. Nothing merges without a person deciding.
 */
export const DUPLICATE_STATUSES = ['open', 'distinct', 'merged'] as const;
export const respondentDuplicates = pgTable(
  'respondent_duplicates',
  {
    id: uuid('id').primaryKey(),
    respondentA: uuid('respondent_a')
      .notNull()
      .references(() => respondents.id),
    respondentB: uuid('respondent_b')
      .notNull()
      .references(() => respondents.id),
    /** Why they look alike: `phone`, `name_dob_lga` (one or both). */
    reasons: text('reasons').array().notNull(),
    status: text('status').notNull().default('open'),
    keptId: uuid('kept_id'),
    resolvedBy: uuid('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('respondent_duplicates_pair_uq').on(t.respondentA, t.respondentB),
    index('respondent_duplicates_b_idx').on(t.respondentB),
    index('respondent_duplicates_open_idx')
      .on(t.createdAt, t.id)
      .where(sql`${t.status} = 'open'`),
    check('respondent_duplicates_order_ck', sql`${t.respondentA} < ${t.respondentB}`),
    check('respondent_duplicates_status_ck', sql`${t.status} in ('open', 'distinct', 'merged')`),
  ],
);
