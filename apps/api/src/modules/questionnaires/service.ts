import { createHash } from 'node:crypto';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import {
  type FieldError,
  type FormSchema,
  type Questionnaire,
  type QuestionnaireSummary,
  type QuestionnaireUsage,
} from '@oslrs/core';
import { questionnaireVersions, questionnaires, settings } from '../../db/schema/questionnaires.js';
import type { Db, Executor } from '../../infra/db.js';
import type { KeyValueStore } from '../../infra/kv.js';
import { Conflict, NotFound, Unprocessable } from '../../errors.js';
import type { Actor } from '../../access/index.js';
import { recordAudit } from '../audit/index.js';
import { formIssues } from './mapping.js';
import {
  exportXlsFormPackage,
  importXlsForm,
  XlsFormError,
  type SourceMap,
  type XlsFormImportOptions,
  type XlsFormIssue,
} from './xlsform.js';

type QuestionnaireRow = typeof questionnaires.$inferSelect;
type VersionRow = typeof questionnaireVersions.$inferSelect;

const USAGE_KEY = 'questionnaire_usage';
const LATEST_TTL_MS = 60 * 60_000;
const VERSION_TTL_MS = 24 * 60 * 60_000;
/**
 * GET /forms (every public visitor) reads the usage through the key-value store, shared by every API
 * process; setUsage deletes it after its commit. The short lifetime bounds a copy written by a read
 * that raced a change (or left while the store was unreachable for the delete).
 */
const USAGE_CACHE_KEY = 'settings:questionnaire_usage';
const USAGE_TTL_MS = 60_000;

/** A published schema as served to devices: the exact bytes and their strong validator. */
export interface SchemaPayload {
  etag: string;
  body: string;
}

const schemaKey = (id: string, version: number | 'latest') =>
  `schema:${id}:${version === 'latest' ? 'latest' : `v${version}`}`;

export class QuestionnaireService {
  constructor(
    private readonly db: Db,
    private readonly kv: KeyValueStore,
  ) {}

  private async usage(executor: Executor = this.db): Promise<QuestionnaireUsage> {
    const [row] = await executor.select().from(settings).where(eq(settings.key, USAGE_KEY)).limit(1);
    return (
      (row?.value as QuestionnaireUsage | undefined) ?? { staffQuestionnaireId: null, publicQuestionnaireId: null }
    );
  }

  private summary(row: QuestionnaireRow, usage: QuestionnaireUsage): QuestionnaireSummary {
    return {
      id: row.id,
      title: row.title,
      formId: row.formId,
      status: row.status as QuestionnaireSummary['status'],
      latestVersion: row.latestVersion,
      updatedAt: row.updatedAt.toISOString(),
      usage: { staff: usage.staffQuestionnaireId === row.id, public: usage.publicQuestionnaireId === row.id },
    };
  }

  async list(): Promise<QuestionnaireSummary[]> {
    const [rows, usage] = await Promise.all([
      this.db.select().from(questionnaires).orderBy(desc(questionnaires.updatedAt)).limit(500),
      this.usage(),
    ]);
    return rows.map((r) => this.summary(r, usage));
  }

  async get(id: string, executor: Executor = this.db): Promise<Questionnaire> {
    const [row] = await executor.select().from(questionnaires).where(eq(questionnaires.id, id)).limit(1);
    if (!row) throw NotFound('No such questionnaire');
    const versions = await executor
      .select({
        id: questionnaireVersions.id,
        version: questionnaireVersions.version,
        publishedAt: questionnaireVersions.publishedAt,
        publishedBy: questionnaireVersions.publishedBy,
      })
      .from(questionnaireVersions)
      .where(eq(questionnaireVersions.questionnaireId, id))
      .orderBy(asc(questionnaireVersions.version));
    return {
      ...this.summary(row, await this.usage(executor)),
      draft: row.draft,
      versions: versions.map((v) => ({ ...v, publishedAt: v.publishedAt.toISOString() })),
    };
  }

  async create(ctx: Actor, form: FormSchema): Promise<{ questionnaire: Questionnaire; issues: FieldError[] }> {
    const id = uuidv7();
    const questionnaire = await this.db.transaction(async (tx) => {
      await tx
        .insert(questionnaires)
        .values({ id, formId: form.formId, title: form.title, draft: form, createdBy: ctx.id });
      await recordAudit(tx, ctx, {
        action: 'questionnaire.created',
        targetType: 'questionnaire',
        targetId: id,
        after: { formId: form.formId, title: form.title },
      });
      return this.get(id, tx);
    });
    return { questionnaire, issues: formIssues(form) };
  }

  /** Drafts are saved while still imperfect (work in progress); their problems come back alongside. */
  async saveDraft(
    ctx: Actor,
    id: string,
    form: FormSchema,
  ): Promise<{ questionnaire: Questionnaire; issues: FieldError[] }> {
    const questionnaire = await this.db.transaction(async (tx) => {
      const row = await this.lock(tx, id);
      await tx
        .update(questionnaires)
        .set({ draft: form, formId: form.formId, title: form.title, updatedAt: new Date() })
        .where(eq(questionnaires.id, id));
      await recordAudit(tx, ctx, {
        action: 'questionnaire.draft_saved',
        targetType: 'questionnaire',
        targetId: id,
        before: { formId: row.formId, title: row.title },
        after: { formId: form.formId, title: form.title },
      });
      return this.get(id, tx);
    });
    return { questionnaire, issues: formIssues(form) };
  }

  private async lock(tx: Executor, id: string): Promise<QuestionnaireRow> {
    const [row] = await tx.select().from(questionnaires).where(eq(questionnaires.id, id)).for('update');
    if (!row) throw NotFound('No such questionnaire');
    if (row.status === 'archived') throw Conflict('QUESTIONNAIRE_ARCHIVED', 'This questionnaire is archived');
    return row;
  }

  async publish(ctx: Actor, id: string): Promise<{ version: number; publishedAt: string }> {
    const published = await this.db.transaction(async (tx) => {
      const row = await this.lock(tx, id);
      const issues = formIssues(row.draft);
      if (issues.length) {
        throw Unprocessable('FORM_INVALID', 'Fix the problems in the draft before publishing', { issues });
      }
      const version = (row.latestVersion ?? 0) + 1;
      const versionId = uuidv7();
      const body = servedBody(id, versionId, version, row.draft);
      const hash = hashOf(body);
      if (row.latestVersion) {
        const [latest] = await tx
          .select({ form: questionnaireVersions.form })
          .from(questionnaireVersions)
          .where(
            and(eq(questionnaireVersions.questionnaireId, id), eq(questionnaireVersions.version, row.latestVersion)),
          );
        if (latest && JSON.stringify(latest.form) === JSON.stringify(row.draft)) {
          throw Conflict('NOTHING_TO_PUBLISH', `The draft is the same as version ${row.latestVersion}`);
        }
      }
      const [v] = await tx
        .insert(questionnaireVersions)
        .values({ id: versionId, questionnaireId: id, version, form: row.draft, hash, publishedBy: ctx.id })
        .returning();
      await tx
        .update(questionnaires)
        .set({ latestVersion: version, status: 'published', updatedAt: new Date() })
        .where(eq(questionnaires.id, id));
      await recordAudit(tx, ctx, {
        action: 'questionnaire.published',
        targetType: 'questionnaire',
        targetId: id,
        after: { version, hash },
      });
      return v!;
    });
    // Devices asking for "latest" must see the new version at once (their 304s end with the new ETag).
    await this.kv.del([schemaKey(id, 'latest')]).catch(() => {});
    return { version: published.version, publishedAt: published.publishedAt.toISOString() };
  }

  async archive(ctx: Actor, id: string): Promise<Questionnaire> {
    const questionnaire = await this.db.transaction(async (tx) => {
      const row = await this.lock(tx, id);
      const usage = await this.usage(tx);
      if (usage.staffQuestionnaireId === id || usage.publicQuestionnaireId === id) {
        throw Conflict(
          'QUESTIONNAIRE_IN_USE',
          'Choose another questionnaire for staff/public before archiving this one',
        );
      }
      await tx
        .update(questionnaires)
        .set({ status: 'archived', updatedAt: new Date() })
        .where(eq(questionnaires.id, id));
      await recordAudit(tx, ctx, {
        action: 'questionnaire.archived',
        targetType: 'questionnaire',
        targetId: id,
        before: { status: row.status },
      });
      return this.get(id, tx);
    });
    return questionnaire;
  }

  /**
   * XLSForm in: a new questionnaire, or the new draft of the one with the same form_id.
   * Expression problems found by the engine are reported at their sheet/row/column too.
   */
  async importXlsx(
    ctx: Actor,
    file: Buffer,
    options: XlsFormImportOptions = {},
  ): Promise<{ questionnaire: Questionnaire; created: boolean; warnings: XlsFormIssue[] }> {
    let imported: Awaited<ReturnType<typeof importXlsForm>>;
    try {
      imported = await importXlsForm(file, options);
    } catch (err) {
      if (err instanceof XlsFormError) {
        throw Unprocessable('XLSFORM_INVALID', 'The XLSForm has problems; nothing was saved', { issues: err.issues });
      }
      throw err;
    }
    const { form, sourceMap, warnings } = imported;
    const issues = formIssues(form);
    if (issues.length) {
      throw Unprocessable('XLSFORM_INVALID', 'The XLSForm has problems; nothing was saved', {
        issues: issues.map((i) => locate(i, sourceMap)),
      });
    }
    const [existing] = await this.db
      .select({ id: questionnaires.id })
      .from(questionnaires)
      .where(and(eq(questionnaires.formId, form.formId), sql`${questionnaires.status} <> 'archived'`))
      .limit(1);
    if (existing) {
      const { questionnaire } = await this.saveDraft(ctx, existing.id, form);
      return { questionnaire, created: false, warnings };
    }
    const { questionnaire } = await this.create(ctx, form);
    return { questionnaire, created: true, warnings };
  }

  /** The XLSForm: a workbook, or a .zip of it and its CSV files when the form has lists from files. */
  async exportXlsx(id: string, version?: number): Promise<{ file: Buffer; fileName: string; kind: 'xlsx' | 'zip' }> {
    const form = version ? (await this.version(id, version)).form : (await this.get(id)).draft;
    const { file, kind } = await exportXlsFormPackage(form);
    return { file, kind, fileName: `${form.formId}${version ? `-v${version}` : '-draft'}.${kind}` };
  }

  private async version(id: string, version: number): Promise<VersionRow> {
    const [row] = await this.db
      .select()
      .from(questionnaireVersions)
      .where(and(eq(questionnaireVersions.questionnaireId, id), eq(questionnaireVersions.version, version)))
      .limit(1);
    if (!row) throw NotFound(`No published version ${version} of this questionnaire`);
    return row;
  }

  /**
   * The hot path every device calls. A published version never changes, so its bytes are kept in
   * process memory (and Redis, for the other processes); "latest" is a small pointer in Redis,
   * dropped on publish, so a 304 costs one tiny cache read.
   */
  async schema(id: string, version?: number): Promise<SchemaPayload> {
    const n = version ?? (await this.latestVersion(id));
    const local = this.served.get(`${id}:${n}`);
    if (local) return local;
    const key = schemaKey(id, n);
    const cached = await this.kv.get(key).catch(() => null);
    if (cached) return this.remember(id, n, JSON.parse(cached) as SchemaPayload);
    const row = await this.version(id, n);
    const payload: SchemaPayload = { etag: `"${row.hash}"`, body: servedBody(id, row.id, row.version, row.form) };
    await this.kv.set(key, JSON.stringify(payload), VERSION_TTL_MS).catch(() => {});
    return this.remember(id, n, payload);
  }

  private readonly served = new Map<string, SchemaPayload>();
  private remember(id: string, version: number, payload: SchemaPayload) {
    if (this.served.size >= 100) this.served.delete(this.served.keys().next().value!);
    this.served.set(`${id}:${version}`, payload);
    return payload;
  }

  private async latestVersion(id: string): Promise<number> {
    const key = schemaKey(id, 'latest');
    const cached = await this.kv.get(key).catch(() => null);
    if (cached) return Number(cached);
    const [row] = await this.db
      .select({ latest: questionnaires.latestVersion })
      .from(questionnaires)
      .where(eq(questionnaires.id, id))
      .limit(1);
    if (!row) throw NotFound('No such questionnaire');
    if (!row.latest) throw NotFound('This questionnaire has no published version');
    await this.kv.set(key, String(row.latest), LATEST_TTL_MS).catch(() => {});
    return row.latest;
  }

  /**
   * The current published version of the public questionnaire (what a channel without a form of its
   * own, USSD, answers), or null while none is set or published.
   */
  async publicVersionId(): Promise<string | null> {
    const { publicQuestionnaireId: id } = await this.usage();
    if (!id) return null;
    try {
      const n = await this.latestVersion(id);
      const local = this.publicVersions.get(`${id}:${n}`);
      if (local) return local;
      const row = await this.version(id, n);
      this.publicVersions.set(`${id}:${n}`, row.id);
      return row.id;
    } catch (err) {
      if ((err as { code?: string }).code === 'NOT_FOUND') return null;
      throw err;
    }
  }
  private readonly publicVersions = new Map<string, string>();

  async getUsage(): Promise<QuestionnaireUsage> {
    const cached = await this.kv.get(USAGE_CACHE_KEY).catch(() => null);
    if (cached) return JSON.parse(cached) as QuestionnaireUsage;
    const usage = await this.usage();
    await this.kv.set(USAGE_CACHE_KEY, JSON.stringify(usage), USAGE_TTL_MS).catch(() => {});
    return usage;
  }

  async setUsage(ctx: Actor, next: QuestionnaireUsage): Promise<QuestionnaireUsage> {
    const usage = await this.db.transaction(async (tx) => {
      for (const id of [next.staffQuestionnaireId, next.publicQuestionnaireId]) {
        if (!id) continue;
        const [row] = await tx.select().from(questionnaires).where(eq(questionnaires.id, id)).limit(1);
        if (!row) throw Unprocessable('QUESTIONNAIRE_UNKNOWN', `No questionnaire ${id}`);
        if (row.status !== 'published') {
          throw Unprocessable(
            'QUESTIONNAIRE_NOT_PUBLISHED',
            `"${row.title}" has no published version (or is archived)`,
          );
        }
      }
      const before = await this.usage(tx);
      await tx
        .insert(settings)
        .values({ key: USAGE_KEY, value: next, updatedBy: ctx.id })
        .onConflictDoUpdate({
          target: settings.key,
          set: { value: next, updatedBy: ctx.id, updatedAt: new Date() },
        });
      await recordAudit(tx, ctx, {
        action: 'settings.questionnaire_usage',
        targetType: 'settings',
        targetId: USAGE_KEY,
        before,
        after: next,
      });
      return next;
    });
    // Every process's next GET /forms reads the new choice (the cached copy goes with the commit).
    await this.kv.del([USAGE_CACHE_KEY]).catch(() => {});
    return usage;
  }
}

/** `versionId` is what a submission names: the exact version it answered. */
function servedBody(questionnaireId: string, versionId: string, version: number, form: FormSchema): string {
  return JSON.stringify({ questionnaireId, versionId, version, form });
}

function hashOf(body: string): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 32);
}

/** Point an engine issue (schema path) at the spreadsheet cell it came from. */
function locate(issue: FieldError, sourceMap: SourceMap): XlsFormIssue {
  let path = issue.field;
  for (;;) {
    const at = sourceMap[path];
    if (at) return { sheet: at.sheet, row: at.row, column: at.column, code: issue.code, message: issue.message };
    const cut = path.lastIndexOf('.');
    if (cut < 0) return { sheet: 'survey', code: issue.code, message: issue.message };
    path = path.slice(0, cut);
  }
}
