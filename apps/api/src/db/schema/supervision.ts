import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';
import { lgas } from './lgas.js';

/** An enumerator's daily and weekly target, set by their supervisor or a super admin. */
export const enumeratorTargets = pgTable(
  'enumerator_targets',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id),
    daily: integer('daily').notNull(),
    weekly: integer('weekly').notNull(),
    updatedBy: uuid('updated_by').references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('enumerator_targets_bounds_ck', sql`${t.daily} between 0 and 100 and ${t.weekly} between ${t.daily} and 700`),
  ],
);

/**
 * A message as written: one row, whoever receives it. `to_user_id` names the one recipient of a
 * direct message; a team broadcast has none and fans out in `message_recipients`.
 */
export const messages = pgTable(
  'messages',
  {
    /** UUIDv7: sortable, so inbox pages are keyset-paged on it. */
    id: uuid('id').primaryKey(),
    senderId: uuid('sender_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').notNull(),
    toUserId: uuid('to_user_id').references(() => users.id),
    /** The sender's LGA when sent (the team it went to). */
    lgaCode: text('lga_code').references(() => lgas.code),
    body: text('body').notNull(),
    recipients: integer('recipients').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('messages_sender_idx').on(t.senderId, t.id.desc()),
    check('messages_kind_ck', sql`${t.kind} in ('direct', 'team')`),
    check('messages_body_ck', sql`char_length(${t.body}) between 1 and 2000`),
  ],
);

/** One row per recipient (a broadcast fans out here in the sending transaction); `read_at` is theirs. */
export const messageRecipients = pgTable(
  'message_recipients',
  {
    recipientId: uuid('recipient_id')
      .notNull()
      .references(() => users.id),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [
    // The inbox, newest first, is a scan of this key.
    primaryKey({ columns: [t.recipientId, t.messageId] }),
    // The unread count every connected device polls for: an index-only count of a few rows.
    index('message_recipients_unread_idx')
      .on(t.recipientId, t.messageId)
      .where(sql`${t.readAt} is null`),
  ],
);
