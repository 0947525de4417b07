import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Outgoing mail. The outbox adapter stops here (development, tests, no SMTP configured). */
export const mailOutbox = pgTable('mail_outbox', {
  id: uuid('id').primaryKey(),
  to: text('to').notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
