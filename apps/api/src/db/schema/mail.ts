import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Outgoing mail, written in the same transaction as what it announces. With SMTP configured the
 * mail relay sends and stamps each row; without it (development, tests) the outbox is the end.
 *
 * Bodies carry one-time links (activation, NIN capture), so a body is kept only while it may still
 * be sent: the relay erases it (null) in the update that marks the mail sent, and a sweep erases
 * the bodies of mail whose link has expired (`expires_at`) whether it was sent or not.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    /** Null once sent or expired: the link inside is never stored longer than it is needed. */
    body: text('body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When the link in the body stops working: past it, the mail is not sent and its body is erased. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    index('mail_outbox_unsent_idx')
      .on(t.createdAt)
      .where(sql`${t.sentAt} is null`),
    index('mail_outbox_expiring_idx')
      .on(t.expiresAt)
      .where(sql`${t.body} is not null`),
  ],
);
