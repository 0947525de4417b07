import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** The filters an export was made with (after defaults and the requester's scope). */
export interface ExportFilters {
  from: string | null;
  to: string;
  lga: string | null;
  channel: string | null;
  status: string | null;
}

/**
 * Streamed exports of respondent data (issue 11): one row per requested file, written by the
 * `exports.build` job into EXPORT_DIR and deleted when `expires_at` passes. Only the person who
 * asked for it may download it.
 */
export const exportsTable = pgTable(
  'exports',
  {
    id: uuid('id').primaryKey(),
    jobId: uuid('job_id').notNull(),
    requestedBy: uuid('requested_by').notNull(),
    requesterRole: text('requester_role').notNull(),
    format: text('format').notNull(),
    filters: jsonb('filters').$type<ExportFilters>().notNull(),
    /** Who asked, in which format, with which filters: one running export per fingerprint. */
    fingerprint: text('fingerprint').notNull(),
    /** NIN and phone opened in full (decided from the requester's role when asked). */
    unmasked: boolean('unmasked').notNull(),
    status: text('status').notNull().default('queued'),
    rowCount: integer('row_count'),
    bytes: bigint('bytes', { mode: 'number' }),
    /** The file's name inside EXPORT_DIR (never a path from the request). */
    fileName: text('file_name'),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    // The same export asked for twice at once: the second reuses the first.
    uniqueIndex('exports_running_uq')
      .on(t.fingerprint)
      .where(sql`${t.status} in ('queued', 'running')`),
    index('exports_job_idx').on(t.jobId),
    index('exports_expiry_idx')
      .on(t.expiresAt)
      .where(sql`${t.status} <> 'expired'`),
    check('exports_format_ck', sql`${t.format} in ('csv', 'xlsx')`),
    check('exports_status_ck', sql`${t.status} in ('queued', 'running', 'completed', 'failed', 'expired')`),
  ],
);
