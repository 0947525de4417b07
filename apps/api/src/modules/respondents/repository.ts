/** Every query on `respondents`: the respondents module owns the table. */
import { and, eq, gt, sql } from 'drizzle-orm';
import { respondents } from '../../db/schema/respondents.js';
import type { Executor } from '../../infra/db.js';

export type RespondentRow = typeof respondents.$inferSelect;
export type NewRespondent = typeof respondents.$inferInsert;

export class RespondentRepository {
  async findByNin(executor: Executor, nin: string) {
    const [row] = await executor
      .select({ id: respondents.id, createdAt: respondents.createdAt, source: respondents.source })
      .from(respondents)
      .where(eq(respondents.nin, nin))
      .limit(1);
    return row;
  }

  async findById(executor: Executor, id: string): Promise<RespondentRow | undefined> {
    const [row] = await executor.select().from(respondents).where(eq(respondents.id, id)).limit(1);
    return row;
  }

  /**
   * Insert unless the NIN is taken: the partial unique index decides between simultaneous
   * submissions of one NIN, and the loser gets `undefined`.
   */
  async insertUnlessNinTaken(tx: Executor, values: NewRespondent) {
    const [row] = await tx
      .insert(respondents)
      .values(values)
      .onConflictDoNothing({ target: respondents.nin, where: sql`nin is not null` })
      .returning({ id: respondents.id, createdAt: respondents.createdAt });
    return row;
  }

  async lockByCaptureToken(tx: Executor, tokenHash: string): Promise<RespondentRow | undefined> {
    const [row] = await tx
      .select()
      .from(respondents)
      .where(eq(respondents.ninCaptureTokenHash, tokenHash))
      .for('update');
    return row;
  }

  /** Add the NIN to a pending record while its completion link is still valid. */
  async completeNin(tx: Executor, id: string, nin: string) {
    const [row] = await tx
      .update(respondents)
      .set({ nin, status: 'active', ninCaptureTokenHash: null, ninCaptureExpiresAt: null, updatedAt: new Date() })
      .where(and(eq(respondents.id, id), gt(respondents.ninCaptureExpiresAt, new Date())))
      .returning({ id: respondents.id, status: respondents.status });
    return row;
  }

  async lockById(tx: Executor, id: string): Promise<RespondentRow | undefined> {
    const [row] = await tx.select().from(respondents).where(eq(respondents.id, id)).for('update');
    return row;
  }

  /** Whether this respondent's NIN on file is `nin`. */
  async hasNin(executor: Executor, id: string, nin: string): Promise<boolean> {
    // PII lookup: becomes a blind-index lookup
    const [row] = await executor
      .select({ id: respondents.id })
      .from(respondents)
      .where(and(eq(respondents.id, id), eq(respondents.nin, nin)))
      .limit(1);
    return !!row;
  }

  /**
   * A correction's answers over the record (the respondent is updated, never duplicated). `nin`, when
   * given, is a NIN the caller checked is free: it completes a pending record.
   */
  async updateFromCorrection(tx: Executor, id: string, fields: Partial<NewRespondent>, nin: string | null) {
    // PII write (phone in `fields`, `nin`): goes through the same encoding as insertUnlessNinTaken.
    const [row] = await tx
      .update(respondents)
      .set({
        ...fields,
        ...(nin ? { nin, status: 'active', ninCaptureTokenHash: null, ninCaptureExpiresAt: null } : {}),
        updatedAt: new Date(),
      })
      .where(eq(respondents.id, id))
      .returning({ id: respondents.id, status: respondents.status });
    return row;
  }
}
