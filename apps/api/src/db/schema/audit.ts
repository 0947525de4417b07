import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Append-only: a trigger (migration 0001) refuses UPDATE, DELETE and TRUNCATE. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id'),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    requestId: text('request_id'),
  },
  (t) => [
    // The viewer pages on (at, id) newest first, one index per filter so any depth stays an index range.
    index('audit_at_idx').on(t.at.desc(), t.id.desc()),
    index('audit_actor_idx').on(t.actorId, t.at.desc(), t.id.desc()),
    index('audit_action_idx').on(t.action, t.at.desc(), t.id.desc()),
    index('audit_target_idx').on(t.targetType, t.targetId, t.at.desc(), t.id.desc()),
    index('audit_target_type_idx').on(t.targetType, t.at.desc(), t.id.desc()),
  ],
);
