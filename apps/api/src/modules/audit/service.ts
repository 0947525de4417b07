import { and, count, eq, gt, inArray, notInArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Actor } from '../../access/index.js';
import { auditLog } from '../../db/schema/audit.js';
import type { Executor } from '../../infra/db.js';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Write audit rows inside the caller's transaction, so the change and its record commit together. */
export async function recordAudit(executor: Executor, actor: Actor, entries: AuditEntry | AuditEntry[]) {
  const list = Array.isArray(entries) ? entries : [entries];
  if (!list.length) return;
  await executor.insert(auditLog).values(
    list.map((e) => ({
      id: uuidv7(),
      actorId: actor.id,
      actorRole: actor.role ?? (actor.kind === 'partner' ? 'partner' : null),
      action: e.action,
      targetType: e.targetType ?? null,
      targetId: e.targetId ?? null,
      before: e.before ?? null,
      after: e.after ?? null,
      ip: actor.ip,
      requestId: actor.requestId,
    })),
  );
}

/** Audit rows of several actors in one statement (an ingestion batch: each submission acts for its own submitter). */
export async function recordAudits(executor: Executor, entries: { actor: Actor; entry: AuditEntry }[]) {
  if (!entries.length) return;
  // The rows as one JSON parameter: one short statement however many rows (no multi-row VALUES to build).
  const rows = entries.map(({ actor, entry: e }) => ({
    id: uuidv7(),
    actor_id: actor.id,
    actor_role: actor.role ?? (actor.kind === 'partner' ? 'partner' : null),
    action: e.action,
    target_type: e.targetType ?? null,
    target_id: e.targetId ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
    ip: actor.ip ?? null,
    request_id: actor.requestId ?? null,
  }));
  await executor.execute(sql`
    insert into ${auditLog} (id, actor_id, actor_role, action, target_type, target_id, before, after, ip, request_id)
    select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as v(id uuid, actor_id uuid, actor_role text, action text, target_type text, target_id text, before jsonb,
           after jsonb, ip text, request_id text)`);
}

/** A record's audit trail, newest first (views left out): the target index, bounded. */
export async function auditTrail(
  executor: Executor,
  target: { type: string; id: string },
  opts: { excludeActions?: string[]; limit?: number } = {},
) {
  return executor
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.targetType, target.type),
        eq(auditLog.targetId, target.id),
        opts.excludeActions?.length ? notInArray(auditLog.action, opts.excludeActions) : undefined,
      ),
    )
    .orderBy(sql`${auditLog.at} desc nulls last, ${auditLog.id} desc nulls last`)
    .limit(opts.limit ?? 100);
}

/** How many of these actions were recorded against one target within the last `withinMs`. */
export async function countRecentAudits(
  executor: Executor,
  target: { type: string; id: string },
  actions: string[],
  withinMs: number,
): Promise<number> {
  const [row] = await executor
    .select({ n: count() })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.targetType, target.type),
        eq(auditLog.targetId, target.id),
        inArray(auditLog.action, actions),
        gt(auditLog.at, sql`now() - ${`${withinMs} milliseconds`}::interval`),
      ),
    );
  return row!.n;
}

/** Per target of a type: how many times an action was recorded, and when last (e.g. a partner key's calls). */
export async function auditActivity(
  executor: Executor,
  targetType: string,
  action: string,
): Promise<Map<string, { count: number; last: Date | null }>> {
  const rows = await executor
    .select({ id: auditLog.targetId, n: count(), last: sql<string | null>`max(${auditLog.at})::text` })
    .from(auditLog)
    .where(and(eq(auditLog.targetType, targetType), eq(auditLog.action, action)))
    .groupBy(auditLog.targetId);
  return new Map(rows.map((r) => [r.id ?? '', { count: r.n, last: r.last ? new Date(r.last) : null }]));
}
