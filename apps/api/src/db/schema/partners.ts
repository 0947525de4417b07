import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * API keys of partner agencies (issue 15). The key itself is never stored: `lookup` (the 12
 * characters after the prefix) finds the row, `secret_hash` is HMAC-SHA256 of the whole key under a
 * server secret, compared in constant time. A rotated-away key keeps working until `expires_at`.
 */
export const partnerKeys = pgTable(
  'partner_keys',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    lookup: text('lookup').notNull(),
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    /** LGA codes the key may read; null = every LGA. */
    lgas: text('lgas').array(),
    rateLimitPerMinute: integer('rate_limit_per_minute').notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    replacedBy: uuid('replaced_by'),
  },
  (t) => [uniqueIndex('partner_keys_lookup_uq').on(t.lookup), index('partner_keys_created_idx').on(t.createdAt)],
);
