import { uuidv7 } from 'uuidv7';
import type { Role } from '@oslrs/core';
import { auditLog } from '../../db/schema/index.js';
import type { Executor } from '../../infra/db.js';

/** Who is acting, from where: built by the route from the request, passed to services. */
export interface ActorContext {
  actorId: string | null;
  actorRole: Role | null;
  ip: string | null;
  requestId: string | null;
}

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Write audit rows inside the caller's transaction, so the change and its record commit together. */
export async function recordAudit(executor: Executor, ctx: ActorContext, entries: AuditEntry | AuditEntry[]) {
  const list = Array.isArray(entries) ? entries : [entries];
  if (!list.length) return;
  await executor.insert(auditLog).values(
    list.map((e) => ({
      id: uuidv7(),
      actorId: ctx.actorId,
      actorRole: ctx.actorRole,
      action: e.action,
      targetType: e.targetType ?? null,
      targetId: e.targetId ?? null,
      before: e.before ?? null,
      after: e.after ?? null,
      ip: ctx.ip,
      requestId: ctx.requestId,
    })),
  );
}
