/**
 * Every query on the supervision module's tables: `enumerator_targets`, `messages`,
 * `message_recipients`.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { enumeratorTargets, messageRecipients, messages } from '../../db/schema/supervision.js';
import type { Executor } from '../../infra/db.js';

export type TargetRow = typeof enumeratorTargets.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;

/** A message as one person's inbox sees it. */
export interface InboxRow {
  id: string;
  senderId: string;
  kind: string;
  toUserId: string | null;
  body: string;
  recipients: number;
  createdAt: Date;
  readAt: Date | null;
  direction: 'in' | 'out';
}

export class SupervisionRepository {
  async targets(executor: Executor, userIds: string[]): Promise<Map<string, TargetRow>> {
    if (!userIds.length) return new Map();
    const rows = await executor.select().from(enumeratorTargets).where(inArray(enumeratorTargets.userId, userIds));
    return new Map(rows.map((r) => [r.userId, r]));
  }

  /** The target before the change (locked), for the audit's before/after. */
  async lockTarget(tx: Executor, userId: string): Promise<TargetRow | undefined> {
    const [row] = await tx.select().from(enumeratorTargets).where(eq(enumeratorTargets.userId, userId)).for('update');
    return row;
  }

  async upsertTarget(
    tx: Executor,
    values: { userId: string; daily: number; weekly: number; updatedBy: string | null },
  ): Promise<TargetRow> {
    const now = new Date();
    const [row] = await tx
      .insert(enumeratorTargets)
      .values({ ...values, updatedAt: now })
      .onConflictDoUpdate({
        target: enumeratorTargets.userId,
        set: { daily: values.daily, weekly: values.weekly, updatedBy: values.updatedBy, updatedAt: now },
      })
      .returning();
    return row!;
  }

  /** The message and its recipients, in the caller's transaction (a broadcast is all or nothing). */
  async insertMessage(
    tx: Executor,
    message: typeof messages.$inferInsert,
    recipientIds: string[],
  ): Promise<MessageRow> {
    const [row] = await tx.insert(messages).values(message).returning();
    // A large team in one statement per 1,000 (well under PostgreSQL's parameter limit).
    for (let i = 0; i < recipientIds.length; i += 1000) {
      await tx
        .insert(messageRecipients)
        .values(recipientIds.slice(i, i + 1000).map((recipientId) => ({ recipientId, messageId: row!.id })));
    }
    return row!;
  }

  /**
   * One person's messages, received and sent, newest first, keyset-paged on the message id (UUIDv7,
   * so id order is time order). Each half is a scan of its own index.
   */
  async inbox(executor: Executor, userId: string, limit: number, before?: string): Promise<InboxRow[]> {
    const inCursor = before ? sql`and r.message_id < ${before}` : sql``;
    const outCursor = before ? sql`and m.id < ${before}` : sql``;
    const result = await executor.execute(sql`
      select * from (
        (select m.id, m.sender_id, m.kind, m.to_user_id, m.body, m.recipients, m.created_at, r.read_at, 'in' as direction
           from message_recipients r join messages m on m.id = r.message_id
          where r.recipient_id = ${userId} ${inCursor}
          order by r.message_id desc limit ${limit})
        union all
        (select m.id, m.sender_id, m.kind, m.to_user_id, m.body, m.recipients, m.created_at, null, 'out'
           from messages m
          where m.sender_id = ${userId} ${outCursor}
          order by m.id desc limit ${limit})
      ) both_ways
      order by id desc
      limit ${limit}`);
    const rows = (result as unknown as { rows: Record<string, unknown>[] }).rows;
    return rows.map((r) => ({
      id: String(r.id),
      senderId: String(r.sender_id),
      kind: String(r.kind),
      toUserId: r.to_user_id ? String(r.to_user_id) : null,
      body: String(r.body),
      recipients: Number(r.recipients),
      createdAt: new Date(r.created_at as string),
      readAt: r.read_at ? new Date(r.read_at as string) : null,
      direction: r.direction === 'in' ? 'in' : 'out',
    }));
  }

  /** How many messages this person has not read, and the newest one they received. */
  async unread(executor: Executor, userId: string): Promise<{ unread: number; latest: string | null }> {
    const result = await executor.execute(sql`
      select (select count(*)::int from message_recipients
               where recipient_id = ${userId} and read_at is null) as unread,
             (select message_id from message_recipients where recipient_id = ${userId}
               order by message_id desc limit 1) as latest`);
    const row = (result as unknown as { rows: { unread: number; latest: string | null }[] }).rows[0];
    return { unread: Number(row?.unread ?? 0), latest: row?.latest ?? null };
  }

  /** The recipient row of this message for this person (undefined: not theirs, or no such message). */
  async recipientOf(executor: Executor, messageId: string, userId: string) {
    const [row] = await executor
      .select()
      .from(messageRecipients)
      .where(and(eq(messageRecipients.messageId, messageId), eq(messageRecipients.recipientId, userId)))
      .limit(1);
    return row;
  }

  async markRead(executor: Executor, messageId: string, userId: string): Promise<Date | null> {
    await executor
      .update(messageRecipients)
      .set({ readAt: new Date() })
      .where(
        and(
          eq(messageRecipients.messageId, messageId),
          eq(messageRecipients.recipientId, userId),
          isNull(messageRecipients.readAt),
        ),
      );
    const row = await this.recipientOf(executor, messageId, userId);
    return row?.readAt ?? null;
  }

  async message(executor: Executor, id: string): Promise<MessageRow | undefined> {
    const [row] = await executor.select().from(messages).where(eq(messages.id, id)).limit(1);
    return row;
  }
}
