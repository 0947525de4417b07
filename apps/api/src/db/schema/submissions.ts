import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Answers } from '@oslrs/core';
import { questionnaireVersions } from './questionnaires.js';
import { users } from './users.js';
import { lgas } from './lgas.js';

/**
 * Every channel's raw answers, keyed by the client's UUID, committed before the reply. The raw
 * columns never change (trigger, migration 0007); only the outcome columns below them do.
 */
export const submissions = pgTable(
  'submissions',
  {
    id: uuid('id').primaryKey(),
    questionnaireVersionId: uuid('questionnaire_version_id')
      .notNull()
      .references(() => questionnaireVersions.id),
    channel: text('channel').notNull(),
    submittedBy: uuid('submitted_by').references(() => users.id),
    /** The answers without the personal identifiers (NIN, phone), which are in piiSealed. */
    answers: jsonb('answers').$type<Answers>().notNull(),
    /** The NIN and phone answers, sealed together as JSON (infra/pii.ts); null when none were given. */
    piiSealed: text('pii_sealed'),
    /** Received before encryption (migration 0014): its answers still hold plaintext until sealed at start. */
    piiLegacy: boolean('pii_legacy').notNull().default(false),
    ninDeferred: boolean('nin_deferred').notNull().default(false),
    /** Blind index of the phone answer (infra/pii.ts): a phone's registrations, the same-phone fraud signal. */
    phoneHash: text('phone_hash'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull(),
    gpsLat: doublePrecision('gps_lat'),
    gpsLng: doublePrecision('gps_lng'),
    gpsAccuracy: doublePrecision('gps_accuracy'),
    deviceId: text('device_id'),
    /** A correction names the returned submission it replaces (raw, immutable like the answers). */
    replaces: uuid('replaces'),
    /** The respondent's LGA as the answers give it (else the submitter's): the scope supervisors read by. */
    lgaCode: text('lga_code').references(() => lgas.code),
    /** SHA-256 of the canonical request body: the same id with another body is a conflict. */
    bodyHash: text('body_hash').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    // outcome
    status: text('status').notNull().default('received'),
    error: jsonb('error'),
    respondentId: uuid('respondent_id'),
    ingestedAt: timestamp('ingested_at', { withTimezone: true }),
    fraudScore: integer('fraud_score'),
    fraudBand: text('fraud_band'),
    fraudReasons: jsonb('fraud_reasons'),
    fraudSettingsVersion: integer('fraud_settings_version'),
    // review (an outcome: changes only through the state machine in @oslrs/core review.ts)
    reviewStatus: text('review_status').notNull().default('pending'),
    reviewedBy: uuid('reviewed_by').references(() => users.id),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewComment: text('review_comment'),
  },
  (t) => [
    // A respondent's submissions (the registry's record view, a duplicates merge). Only linked rows:
    // every query names a respondent (`=`, `in`), and a received submission is not written to it.
    index('submissions_respondent_idx')
      .on(t.respondentId, t.completedAt.desc())
      .where(sql`${t.respondentId} is not null`),
    // A collector's surveys, newest first: their own list (keyset on completed_at, id) and the fraud
    // checks' history (the 50 newest before a survey, ids only). With id in the key, both are index-only
    // scans: the history of a batch of n surveys read no table page for its n × 50 ids (0033).
    index('submissions_collector_idx').on(t.submittedBy, t.completedAt.desc(), t.id.desc()),
    // Ranges of completed_at alone (the overview's counts, the GPS check's day) use submissions_recent_idx
    // (completed_at is never null, so its order serves either direction); no index of its own (0031).
    // The review list's keyset orders: recent first, or most suspicious first (unscored last), both
    // statewide and within one LGA; and one review status (returned, rejected…) recent first.
    index('submissions_lga_completed_idx').on(t.lgaCode, t.completedAt.desc(), t.id.desc()),
    index('submissions_recent_idx').on(t.completedAt.desc(), t.id.desc()),
    index('submissions_score_idx').on(sql`coalesce(${t.fraudScore}, -1) desc`, t.completedAt.desc(), t.id.desc()),
    index('submissions_lga_score_idx').on(
      t.lgaCode,
      sql`coalesce(${t.fraudScore}, -1) desc`,
      t.completedAt.desc(),
      t.id.desc(),
    ),
    index('submissions_review_status_idx').on(t.reviewStatus, t.completedAt.desc(), t.id.desc()),
    // One live correction per returned submission, race-proof (a correction refused at ingestion frees the slot).
    uniqueIndex('submissions_replaces_uq')
      .on(t.replaces)
      .where(sql`${t.replaces} is not null and ${t.status} <> 'rejected'`),
    // Recent surveys of one form (the speed-run median), and nearby fixes (the other-collector GPS check).
    index('submissions_version_completed_idx').on(t.questionnaireVersionId, t.completedAt.desc()),
    // The other-collector check reads a few metres of latitude on one day: with completed_at in the key
    // the day is tested in the index, so only that day's fixes are read from the table, not every fix in
    // the band over the whole history (nor the day's whole bitmap ANDed in: 34 ms -> 3 ms a claim, 0033).
    index('submissions_gps_lat_idx')
      .on(t.gpsLat, t.completedAt)
      .where(sql`${t.gpsLat} is not null`),
    index('submissions_phone_hash_idx')
      .on(t.phoneHash, t.completedAt.desc())
      .where(sql`${t.phoneHash} is not null`),
    index('submissions_pii_legacy_idx')
      .on(t.id)
      .where(sql`${t.piiLegacy}`),
    index('submissions_pending_idx')
      .on(t.receivedAt)
      .where(sql`${t.status} = 'received'`),
    // A resident registers one person: one live (received or ingested, not superseded by their own
    // approved correction) public submission per account. A correction request waits `held`, outside it.
    uniqueIndex('submissions_public_one_person_uq')
      .on(t.submittedBy)
      .where(
        sql`${t.channel} = 'public' and ${t.status} in ('received', 'ingested') and ${t.reviewStatus} <> 'superseded'`,
      ),
    // One correction request waiting per resident, race-proof.
    uniqueIndex('submissions_public_held_uq')
      .on(t.submittedBy)
      .where(sql`${t.channel} = 'public' and ${t.status} = 'held'`),
    // `held`: a resident's correction request, stored but not ingested until a reviewer approves it.
    // `awaiting_files`: its answers are kept, its attachments still arriving (no outbox row until they have).
    check('submissions_status_ck', sql`${t.status} in ('awaiting_files', 'received', 'held', 'ingested', 'rejected')`),
    check(
      'submissions_review_status_ck',
      sql`${t.reviewStatus} in ('pending', 'approved', 'rejected', 'returned', 'superseded')`,
    ),
  ],
);

/** Written in the intake transaction; the relay re-enqueues rows a lost queue never delivered. */
export const submissionOutbox = pgTable(
  'submission_outbox',
  {
    submissionId: uuid('submission_id')
      .primaryKey()
      .references(() => submissions.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    doneAt: timestamp('done_at', { withTimezone: true }),
  },
  (t) => [
    index('submission_outbox_pending_idx')
      .on(t.createdAt)
      .where(sql`${t.doneAt} is null`),
  ],
);

/**
 * The files of a submission's media answers, declared in its body: `received` bytes so far (chunks
 * are appended in order), then `completedAt` once the whole file, checked against its SHA-256, is in
 * the attachment store (infra/attachments.ts). The submission is received when the last one is.
 */
export const submissionAttachments = pgTable(
  'submission_attachments',
  {
    submissionId: uuid('submission_id')
      .notNull()
      .references(() => submissions.id),
    name: text('name').notNull(),
    /** The media question's type (image, audio, video, file): its size cap and the bytes it takes. */
    mediaType: text('media_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    received: integer('received').notNull().default(0),
    /** Sniffed from the file's first bytes, never taken from the sender. */
    contentType: text('content_type'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ name: 'submission_attachments_pk', columns: [t.submissionId, t.name] }),
    check('submission_attachments_type_ck', sql`${t.mediaType} in ('image', 'audio', 'video', 'file')`),
    check('submission_attachments_received_ck', sql`${t.received} >= 0 and ${t.received} <= ${t.size}`),
  ],
);
