import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { JobRowError } from '@oslrs/core';

/**
 * Background jobs live in PostgreSQL: the queue only carries the id, so progress is visible
 * from any API process and a lost Redis or a killed worker loses nothing.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey(),
    type: text('type').notNull(),
    state: text('state').notNull().default('queued'),
    input: jsonb('input').notNull(),
    total: integer('total').notNull().default(0),
    processed: integer('processed').notNull().default(0),
    succeeded: integer('succeeded').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    errors: jsonb('errors')
      .$type<JobRowError[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    error: text('error'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('jobs_pending_idx')
      .on(t.updatedAt)
      .where(sql`${t.state} in ('queued', 'running')`),
  ],
);
