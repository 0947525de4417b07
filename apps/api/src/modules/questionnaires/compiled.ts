import { eq } from 'drizzle-orm';
import { compileForm, type CompiledForm, type FormSchema } from '@oslrs/core';
import { questionnaireVersions, questionnaires } from '../../db/schema/questionnaires.js';
import type { Executor } from '../../infra/db.js';

export interface LoadedVersion {
  id: string;
  questionnaireId: string;
  version: number;
  archived: boolean;
  form: FormSchema;
  compiled: CompiledForm;
}

/**
 * Published versions never change, so each is compiled once per process and kept.
 * (Archival is re-read on every load: it is a property of the questionnaire, not the version.)
 */
export class VersionCache {
  private readonly compiled = new Map<
    string,
    { form: FormSchema; compiled: CompiledForm; questionnaireId: string; version: number }
  >();

  async load(
    executor: Executor,
    versionId: string,
    opts: { checkArchived?: boolean } = {},
  ): Promise<LoadedVersion | null> {
    const known = this.compiled.get(versionId);
    // Ingestion only needs the immutable version: no query at all once it is compiled.
    if (known && !opts.checkArchived) return { id: versionId, archived: false, ...known };
    const [row] = await executor
      .select({
        id: questionnaireVersions.id,
        questionnaireId: questionnaireVersions.questionnaireId,
        version: questionnaireVersions.version,
        status: questionnaires.status,
      })
      .from(questionnaireVersions)
      .innerJoin(questionnaires, eq(questionnaires.id, questionnaireVersions.questionnaireId))
      .where(eq(questionnaireVersions.id, versionId))
      .limit(1);
    if (!row) return null;
    let entry = this.compiled.get(versionId);
    if (!entry) {
      const [v] = await executor
        .select({ form: questionnaireVersions.form })
        .from(questionnaireVersions)
        .where(eq(questionnaireVersions.id, versionId));
      entry = {
        form: v!.form,
        compiled: compileForm(v!.form),
        questionnaireId: row.questionnaireId,
        version: row.version,
      };
      if (this.compiled.size > 200) this.compiled.delete(this.compiled.keys().next().value!);
      this.compiled.set(versionId, entry);
    }
    return {
      id: row.id,
      questionnaireId: row.questionnaireId,
      version: row.version,
      archived: row.status === 'archived',
      form: entry.form,
      compiled: entry.compiled,
    };
  }
}
