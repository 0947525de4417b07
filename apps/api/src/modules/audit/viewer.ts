/**
 * The super admin's audit viewer: filters on indexed columns (actor, action, target, time range) and
 * keyset paging on (at, id) newest first, so page 10,000 costs what page 1 costs. Reading the log is
 * itself recorded (who looked, with which filters).
 */
import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { AuditEntryView } from '@oslrs/core';
import { requireAccess, type Actor } from '../../access/index.js';
import { checkCursorParts, decodeCursor, encodeCursor } from '../../cursor.js';
import { auditLog } from '../../db/schema/audit.js';
import type { Db, Executor } from '../../infra/db.js';
import { recordAudit } from './service.js';

export interface AuditFilters {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  /** Exclusive: `from` ≤ at < `to`. */
  to?: string;
}

/** One page of the log, newest first. Each filter is the leading column of one index (see schema/audit.ts). */
export async function auditPage(
  executor: Executor,
  f: AuditFilters,
  limit: number,
  after?: { at: string; id: string },
) {
  const where: (SQL | undefined)[] = [
    f.actor ? eq(auditLog.actorId, f.actor) : undefined,
    f.action ? eq(auditLog.action, f.action) : undefined,
    f.targetType ? eq(auditLog.targetType, f.targetType) : undefined,
    f.targetId ? eq(auditLog.targetId, f.targetId) : undefined,
    f.from ? gte(auditLog.at, new Date(f.from)) : undefined,
    f.to ? lt(auditLog.at, new Date(f.to)) : undefined,
    after ? sql`(${auditLog.at}, ${auditLog.id}) < (${after.at}::timestamptz, ${after.id}::uuid)` : undefined,
  ];
  return executor
    .select({
      id: auditLog.id,
      at: auditLog.at,
      atKey: sql<string>`${auditLog.at}::text`,
      actorId: auditLog.actorId,
      actorRole: auditLog.actorRole,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      before: auditLog.before,
      after: auditLog.after,
      ip: auditLog.ip,
      requestId: auditLog.requestId,
    })
    .from(auditLog)
    .where(and(...where))
    .orderBy(sql`${auditLog.at} desc nulls last, ${auditLog.id} desc nulls last`)
    .limit(limit);
}

export class AuditViewer {
  constructor(private readonly db: Db) {}

  async page(actor: Actor, query: AuditFilters & { cursor?: string; limit: number }) {
    requireAccess(actor, 'audit.read', {});
    let after: { at: string; id: string } | undefined;
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, ['s', 's']) as [string, string];
      checkCursorParts(at, id);
      after = { at, id };
    }
    const { cursor: _cursor, limit, ...filters } = query;
    const rows = await auditPage(this.db, filters, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    await recordAudit(this.db, actor, {
      action: 'audit.viewed',
      targetType: 'audit_log',
      after: { filters, deep: !!query.cursor, rows: page.length },
    });
    const items: AuditEntryView[] = page.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actorId: r.actorId,
      actorRole: r.actorRole,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      ...(r.before !== null ? { before: r.before } : {}),
      ...(r.after !== null ? { after: r.after } : {}),
      ip: r.ip,
      requestId: r.requestId,
    }));
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.atKey, last.id]) : null };
  }
}
