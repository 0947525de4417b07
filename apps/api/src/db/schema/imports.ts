import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** Saved column mappings, one per source agency, offered again on its next upload. */
export const importSources = pgTable('import_sources', {
  source: text('source').primaryKey(),
  mapping: jsonb('mapping').$type<Record<string, string>>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const IMPORT_BATCH_STATES = ['dry_run', 'confirming', 'confirmed', 'rolled_back', 'failed'] as const;

/** One uploaded secondary list: its dry run, then (maybe) its confirmation and rollback. */
export const importBatches = pgTable(
  'import_batches',
  {
    id: uuid('id').primaryKey(),
    source: text('source').notNull(),
    fileName: text('file_name'),
    state: text('state').notNull().default('dry_run'),
    mapping: jsonb('mapping').$type<Record<string, string>>().notNull(),
    total: integer('total').notNull(),
    toCreate: integer('to_create').notNull(),
    skipped: integer('skipped').notNull(),
    reasons: jsonb('reasons').$type<Record<string, number>>().notNull(),
    created: integer('created').notNull().default(0),
    jobId: uuid('job_id'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    rolledBackAt: timestamp('rolled_back_at', { withTimezone: true }),
    rollback: jsonb('rollback').$type<{ removed: number; kept: { respondentId: string; reason: string }[] }>(),
  },
  (t) => [
    index('import_batches_created_idx').on(t.createdAt.desc(), t.id.desc()),
    check('import_batches_state_ck', sql.raw(`state in (${IMPORT_BATCH_STATES.map((s) => `'${s}'`).join(', ')})`)),
  ],
);

/**
 * Each row of a batch as the dry run judged it. `payload` (the normalised person, NIN and phone
 * included) is sealed; it is dropped once the batch is confirmed or abandoned.
 */
export const importRows = pgTable(
  'import_rows',
  {
    batchId: uuid('batch_id')
      .notNull()
      .references(() => importBatches.id, { onDelete: 'cascade' }),
    line: integer('line').notNull(),
    outcome: text('outcome').notNull(),
    reasons: text('reasons').array().notNull(),
    payload: text('payload'),
    respondentId: uuid('respondent_id'),
  },
  (t) => [
    uniqueIndex('import_rows_pk').on(t.batchId, t.line),
    index('import_rows_outcome_idx').on(t.batchId, t.outcome, t.line),
    index('import_rows_respondent_idx')
      .on(t.respondentId)
      .where(sql`${t.respondentId} is not null`),
  ],
);
