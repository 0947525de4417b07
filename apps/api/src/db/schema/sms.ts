import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Outgoing SMS, written in the same transaction as what it announces (a registration ingested, a
 * NIN-completion link made), as mail_outbox is for email. The SMS relay sends each row through the
 * configured transport, within the daily ceiling (SMS_DAILY_LIMIT), and stamps it.
 *
 * The number is sealed (`to_sealed`, AES-GCM under the PII key, purpose `phone`) and found by its
 * blind index (`to_hash`), as phones are everywhere else: `to` in clear is only what rows written
 * before held, until the start-up sealing moves it (infra/sms.ts sealLegacySms).
 *
 * A body may carry a one-time link: it is erased once the aggregator accepted it, and the sweep
 * erases bodies whose link has expired. The development transport only records: it keeps the body,
 * so tests and the admin simulator can read what would have been sent.
 */
export const smsOutbox = pgTable(
  'sms_outbox',
  {
    id: uuid('id').primaryKey(),
    /** Legacy: the number in clear (+234…), null once sealed. */
    to: text('to'),
    /** The number in international form (+234…), sealed. */
    toSealed: text('to_sealed'),
    /** Its blind index: the messages to one number. */
    toHash: text('to_hash'),
    body: text('body'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** Which transport sent it: `dev` (recorded only) or `aggregator`. */
    transport: text('transport'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    index('sms_outbox_unsent_idx')
      .on(t.createdAt)
      .where(sql`${t.sentAt} is null`),
    // The daily ceiling counts today's sent messages.
    index('sms_outbox_sent_idx')
      .on(t.sentAt)
      .where(sql`${t.sentAt} is not null`),
    index('sms_outbox_to_idx').on(t.toHash, t.createdAt.desc()),
  ],
);
