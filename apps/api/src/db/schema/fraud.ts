import { integer, jsonb, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Fraud thresholds, versioned so an old score can be explained by the settings it was computed with. */
export const fraudSettings = pgTable('fraud_settings', {
  version: integer('version').primaryKey(),
  thresholds: jsonb('thresholds').notNull(),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
