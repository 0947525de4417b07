/** Every query on `exports`: the exports module owns the table. */
import { and, eq, inArray, lte, ne, sql } from 'drizzle-orm';
import { exportsTable } from '../../db/schema/exports.js';
import type { Executor } from '../../infra/db.js';

export type ExportRow = typeof exportsTable.$inferSelect;
export type NewExport = typeof exportsTable.$inferInsert;

const ACTIVE = ['queued', 'running'];

export class ExportRepository {
  /** Insert unless the same export (fingerprint) is already queued or running: then `undefined`. */
  async insertUnlessRunning(tx: Executor, values: NewExport): Promise<ExportRow | undefined> {
    const [row] = await tx
      .insert(exportsTable)
      .values(values)
      .onConflictDoNothing({
        target: exportsTable.fingerprint,
        where: sql`${exportsTable.status} in ('queued', 'running')`,
      })
      .returning();
    return row;
  }

  async findRunning(executor: Executor, fingerprint: string): Promise<ExportRow | undefined> {
    const [row] = await executor
      .select()
      .from(exportsTable)
      .where(and(eq(exportsTable.fingerprint, fingerprint), inArray(exportsTable.status, ACTIVE)))
      .limit(1);
    return row;
  }

  async findById(executor: Executor, id: string): Promise<ExportRow | undefined> {
    const [row] = await executor.select().from(exportsTable).where(eq(exportsTable.id, id)).limit(1);
    return row;
  }

  async findByJob(executor: Executor, jobId: string): Promise<ExportRow | undefined> {
    const [row] = await executor.select().from(exportsTable).where(eq(exportsTable.jobId, jobId)).limit(1);
    return row;
  }

  /** The export a runner works on, locked for its whole run (a second delivery skips it). */
  async lockForRun(tx: Executor, id: string): Promise<ExportRow | undefined> {
    const [row] = await tx
      .select()
      .from(exportsTable)
      .where(and(eq(exportsTable.id, id), inArray(exportsTable.status, ACTIVE)))
      .for('update', { skipLocked: true });
    return row;
  }

  async update(executor: Executor, id: string, values: Partial<NewExport>): Promise<void> {
    await executor.update(exportsTable).set(values).where(eq(exportsTable.id, id));
  }

  /** Exports past their expiry that still have (or may have) a file. */
  async expired(executor: Executor, now: Date, limit: number): Promise<ExportRow[]> {
    return executor
      .select()
      .from(exportsTable)
      .where(and(lte(exportsTable.expiresAt, now), ne(exportsTable.status, 'expired')))
      .limit(limit);
  }
}
