/**
 * Raw answers' NIN and phone at rest: sealing the answers received before encryption (migration
 * 0014 flagged them `pii_legacy`) and re-sealing under a new key (npm run pii:rotate). Only the
 * schema owner may do either (the immutability trigger refuses the app's role).
 */
import { sql } from 'drizzle-orm';
import type { Answers } from '@oslrs/core';
import { inIdBatches, rowsOf, type Executor } from '../../infra/db.js';
import type { PiiCipher } from '../../infra/pii.js';
import type { SubmissionRepository } from './repository.js';

const BATCH = 1000;

/** The answer names that hold personal identifiers in a version (its NIN and phone questions). */
export type PiiFieldsOf = (versionId: string) => Promise<string[]>;

export function sealLegacySubmissions(
  executor: Executor,
  repo: SubmissionRepository,
  fieldsOf: PiiFieldsOf,
): Promise<number> {
  return inIdBatches(
    async (after) =>
      rowsOf<{ id: string; version: string; answers: Answers }>(
        await executor.execute(sql`
          select id, questionnaire_version_id as version, answers from submissions
           where id > ${after}::uuid and pii_legacy order by id limit ${BATCH}`),
      ),
    async (rows) => {
      const values = [];
      for (const r of rows) {
        const sealed = repo.sealAnswers(r.answers, await fieldsOf(r.version));
        values.push({ id: r.id, answers: sealed.answers, pii_sealed: sealed.piiSealed });
      }
      await executor.execute(sql`
        update submissions s set answers = v.answers, pii_sealed = v.pii_sealed, pii_legacy = false
          from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(id uuid, answers jsonb, pii_sealed text)
         where s.id = v.id`);
      return rows.length;
    },
  );
}

export function rotateSubmissions(executor: Executor, pii: PiiCipher): Promise<number> {
  return inIdBatches(
    async (after) =>
      rowsOf<{ id: string; pii_sealed: string }>(
        await executor.execute(sql`
          select id, pii_sealed from submissions where id > ${after}::uuid and pii_sealed is not null
           order by id limit ${BATCH}`),
      ),
    async (rows) => {
      const values = rows
        .filter((r) => pii.anyStale([r.pii_sealed]))
        .map((r) => ({ id: r.id, pii_sealed: pii.seal(pii.open(r.pii_sealed, 'answers'), 'answers') }));
      if (!values.length) return 0;
      await executor.execute(sql`
        update submissions s set pii_sealed = v.pii_sealed
          from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(id uuid, pii_sealed text)
         where s.id = v.id`);
      return values.length;
    },
  );
}
