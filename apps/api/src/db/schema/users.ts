import { sql } from 'drizzle-orm';
import { boolean, check, date, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { LOCALES, ROLES, STAFF_ROLES, STAFF_STATUSES } from '@oslrs/core';
import { lgas } from './lgas.js';

const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * Staff lists filter on this exact predicate, so the partial indexes below serve them: page 1 is an
 * index scan of 25 entries instead of a sort of every account.
 */
export const STAFF_PREDICATE = sql.raw(`role in (${STAFF_ROLES.map((r) => `'${r}'`).join(', ')})`);
/**
 * The text the staff search matches, indexed with trigrams: name and email joined by a newline, which
 * a search (single-line) can never contain, so no match spans the two.
 */
export const STAFF_SEARCH_TEXT = sql.raw(`(lower(full_name) || E'\\n' || lower(email))`);

/** Every account, staff or public; a person holds exactly one role. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    fullName: text('full_name').notNull(),
    /** Sealed (infra/pii.ts); legacyPhone is plaintext from before encryption, sealed and cleared at start. */
    phoneSealed: text('phone_sealed'),
    legacyPhone: text('phone'),
    role: text('role').notNull(),
    status: text('status').notNull(),
    lgaCode: text('lga_code').references(() => lgas.code),
    /** HMAC blind index of the NIN and the sealed NIN; legacyNin as legacyPhone. */
    ninHash: text('nin_hash'),
    ninSealed: text('nin_sealed'),
    legacyNin: text('nin'),
    passwordHash: text('password_hash'),
    activationTokenHash: text('activation_token_hash'),
    activationExpiresAt: timestamp('activation_expires_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    /** The staff CSV import (a job) that created this account, if any: its links and invitations are re-issued together. */
    importJobId: uuid('import_job_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    activatedAt: timestamp('activated_at', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    /**
     * A staff member's ID card number (`OYS-4MP-2TC`) and its expiry: set by the database (trigger
     * users_card_number in the migration) when a staff account is inserted, however it is created.
     */
    cardNumber: text('card_number'),
    cardExpiresAt: date('card_expires_at', { mode: 'string' }),

    /** The UI language the person chose (null: not chosen yet; the device's choice stands). */
    locale: text('locale'),

    /** Set on the first super admin whose password was generated at install: changed at first sign-in. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
  },
  (t) => [
    uniqueIndex('users_card_number_uq').on(t.cardNumber),
    uniqueIndex('users_email_lower_uq').on(sql`lower(${t.email})`),
    uniqueIndex('users_nin_hash_uq')
      .on(t.ninHash)
      .where(sql`${t.ninHash} is not null`),
    uniqueIndex('users_activation_token_uq')
      .on(t.activationTokenHash)
      .where(sql`${t.activationTokenHash} is not null`),
    index('users_status_idx').on(t.status),
    index('users_import_job_idx')
      .on(t.importJobId)
      .where(sql`${t.importJobId} is not null`),
    index('users_role_idx').on(t.role),
    index('users_lga_idx').on(t.lgaCode),
    index('users_created_at_idx').on(t.createdAt.desc(), t.id.desc()),
    index('staff_created_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()).where(STAFF_PREDICATE),
    index('staff_lga_created_idx')
      .on(t.lgaCode, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(STAFF_PREDICATE),
    index('staff_status_created_idx')
      .on(t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(STAFF_PREDICATE),
    index('staff_role_created_idx')
      .on(t.role, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(STAFF_PREDICATE),
    index('staff_search_trgm_idx')
      .using('gin', sql`${STAFF_SEARCH_TEXT} gin_trgm_ops`)
      .where(STAFF_PREDICATE),
    check('users_role_ck', sql`${t.role} in (${inList(ROLES)})`),
    check('users_status_ck', sql`${t.status} in (${inList(STAFF_STATUSES)})`),
    check('users_locale_ck', sql`${t.locale} in (${inList(LOCALES)})`),
  ],
);
