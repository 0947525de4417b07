/** Every query on `respondents`: the respondents module owns the table. */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { ReportSubject } from '@oslrs/core';
import { respondents } from '../../db/schema/respondents.js';
import type { Executor } from '../../infra/db.js';

export type RespondentRow = typeof respondents.$inferSelect;
export type NewRespondent = typeof respondents.$inferInsert;

export class RespondentRepository {
  /** By the NIN's blind index (never the NIN itself: it is stored only sealed). */
  async findByNinHash(executor: Executor, ninHash: string) {
    const [row] = await executor
      .select({ id: respondents.id, createdAt: respondents.createdAt, source: respondents.source })
      .from(respondents)
      .where(eq(respondents.ninHash, ninHash))
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
      .onConflictDoNothing({ target: respondents.ninHash, where: sql`nin_hash is not null` })
      .returning({ id: respondents.id, createdAt: respondents.createdAt });
    return row;
  }

  /**
   * Every respondent as reports count them (never NIN or phone), in pages by id: the reports
   * rebuild (`npm run reports:rebuild`).
   */
  async forEachReportSubject(executor: Executor, onPage: (page: ReportSubject[]) => void, pageSize = 10_000) {
    let after: string | null = null;
    for (;;) {
      const page: (ReportSubject & { id: string })[] = await executor
        .select({
          id: respondents.id,
          createdAt: respondents.createdAt,
          lgaCode: respondents.lgaCode,
          source: respondents.source,
          status: respondents.status,
          gender: respondents.gender,
          dob: respondents.dob,
          employmentType: respondents.employmentType,
          skills: respondents.skills,
        })
        .from(respondents)
        .where(after ? gt(respondents.id, after) : undefined)
        .orderBy(asc(respondents.id))
        .limit(pageSize);
      if (!page.length) return;
      onPage(page);
      after = page[page.length - 1]!.id;
    }
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
  async completeNin(tx: Executor, id: string, nin: { ninHash: string; ninSealed: string }) {
    const [row] = await tx
      .update(respondents)
      .set({ ...nin, status: 'active', ninCaptureTokenHash: null, ninCaptureExpiresAt: null, updatedAt: new Date() })
      .where(and(eq(respondents.id, id), gt(respondents.ninCaptureExpiresAt, new Date())))
      .returning({ id: respondents.id, status: respondents.status });
    return row;
  }
}
