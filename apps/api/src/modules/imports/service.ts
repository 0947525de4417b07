import { and, asc, count, eq, isNotNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import {
  IMPORT_SKIP_REASONS,
  type ImportBatch,
  type ImportMapping,
  type ImportSkipReason,
  type Job,
  type JobRowError,
} from '@oslrs/core';
import { requireAccess, systemActor, type Actor } from '../../access/index.js';
import { importBatches, importRows, importSources } from '../../db/schema/imports.js';
import { newestFirst, type Db, type Executor } from '../../infra/db.js';
import type { PiiCipher } from '../../infra/pii.js';
import { Conflict, NotFound } from '../../errors.js';
import { recordAudit } from '../audit/index.js';
import { defineJob, toJob, type JobsService } from '../jobs/index.js';
import type { ImportedPerson, RespondentService } from '../respondents/index.js';
import { FileDuplicates, judgeRow, resolveColumns } from './rows.js';
import { readTable } from './table.js';

export const IMPORT_APPLY_JOB = defineJob('imports.apply');
/** Rows checked against the registry per round of look-ups (dry run) and created per transaction (confirm). */
const CHECK_CHUNK = 2_000;
const APPLY_CHUNK = 1_000;
const INSERT_CHUNK = 2_000;

type BatchRow = typeof importBatches.$inferSelect;

function toBatch(row: BatchRow): ImportBatch {
  return {
    id: row.id,
    source: row.source,
    fileName: row.fileName,
    state: row.state as ImportBatch['state'],
    mapping: row.mapping,
    total: row.total,
    toCreate: row.toCreate,
    skipped: row.skipped,
    reasons: row.reasons,
    created: row.created,
    jobId: row.jobId,
    createdAt: row.createdAt.toISOString(),
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
    rolledBackAt: row.rolledBackAt?.toISOString() ?? null,
    rollback: row.rollback ?? null,
  };
}

/** A CSV cell that a spreadsheet would read as a formula is quoted as text (CSV injection). */
const csvCell = (v: string) => {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/**
 * Secondary-data imports (issue 15): a list from another agency is judged row by row in a dry run
 * (nothing written to the registry), confirmed as a background job, and can be rolled back — only
 * what the batch created, and only what nobody touched since.
 */
export class ImportService {
  constructor(
    private readonly db: Db,
    private readonly respondents: RespondentService,
    private readonly jobs: JobsService,
    private readonly pii: PiiCipher,
  ) {}

  registerJobs(jobs: JobsService) {
    jobs.register(IMPORT_APPLY_JOB, (id) => this.apply(id));
  }

  /** Read the file, judge every row, and keep the verdicts (people sealed) as a batch in `dry_run`. */
  async dryRun(
    actor: Actor,
    input: { buffer: Buffer; fileName: string | null; source: string; mapping?: ImportMapping },
  ): Promise<ImportBatch> {
    requireAccess(actor, 'import.manage', {});
    const table = await readTable(input.buffer);
    let mapping = input.mapping;
    if (!mapping || !Object.keys(mapping).length) {
      const [saved] = await this.db.select().from(importSources).where(eq(importSources.source, input.source));
      // A saved mapping is used only when every column it names is in this file.
      if (saved && Object.keys(saved.mapping).every((c) => table.header.includes(c)))
        mapping = saved.mapping as ImportMapping;
    }
    const columns = resolveColumns(table.header, mapping);
    const effective = Object.fromEntries([...columns].map(([field, i]) => [table.header[i]!, field]));

    const judged = table.rows.map((r) => ({ line: r.line, ...judgeRow(r.cells, columns) }));
    // Against the registry, in chunks: only rows valid so far are looked up.
    for (let i = 0; i < judged.length; i += CHECK_CHUNK) {
      const chunk = judged.slice(i, i + CHECK_CHUNK).filter((j) => !j.reasons.length);
      const conflicts = await this.respondents.importConflicts(
        this.db,
        chunk.map((j) => j.person),
      );
      chunk.forEach((j, k) => j.reasons.push(...conflicts[k]!));
    }
    // Within the file, earlier rows first; a row skipped for another reason does not hide a later one.
    const seen = new FileDuplicates();
    for (const j of judged) {
      if (j.reasons.length) continue;
      j.reasons.push(...seen.check(j.person));
      if (!j.reasons.length) seen.add(j.person);
    }
    const reasons: Record<string, number> = {};
    for (const j of judged) for (const r of j.reasons) reasons[r] = (reasons[r] ?? 0) + 1;
    const toCreate = judged.filter((j) => !j.reasons.length).length;

    const id = uuidv7();
    const row = await this.db.transaction(async (tx) => {
      const [batch] = await tx
        .insert(importBatches)
        .values({
          id,
          source: input.source,
          fileName: input.fileName,
          mapping: effective,
          total: judged.length,
          toCreate,
          skipped: judged.length - toCreate,
          reasons,
          createdBy: actor.id,
        })
        .returning();
      for (let i = 0; i < judged.length; i += INSERT_CHUNK) {
        await tx.insert(importRows).values(
          judged.slice(i, i + INSERT_CHUNK).map((j) => ({
            batchId: id,
            line: j.line,
            outcome: j.reasons.length ? 'skip' : 'create',
            reasons: j.reasons,
            // Only rows to create keep their person (sealed: NIN and phone are in it).
            payload: j.reasons.length ? null : this.pii.seal(JSON.stringify(j.person), 'answers'),
          })),
        );
      }
      await tx
        .insert(importSources)
        .values({ source: input.source, mapping: effective })
        .onConflictDoUpdate({ target: importSources.source, set: { mapping: effective, updatedAt: new Date() } });
      await recordAudit(tx, actor, {
        action: 'import.dry_run',
        targetType: 'import_batch',
        targetId: id,
        after: { source: input.source, fileName: input.fileName, total: judged.length, toCreate, reasons },
      });
      return batch!;
    });
    return toBatch(row);
  }

  async list(actor: Actor): Promise<ImportBatch[]> {
    requireAccess(actor, 'import.manage', {});
    const rows = await this.db
      .select()
      .from(importBatches)
      .orderBy(newestFirst(importBatches.createdAt), newestFirst(importBatches.id))
      .limit(100);
    return rows.map(toBatch);
  }

  async get(actor: Actor, id: string): Promise<ImportBatch> {
    requireAccess(actor, 'import.manage', {});
    return toBatch(await this.load(this.db, id));
  }

  async sources(actor: Actor) {
    requireAccess(actor, 'import.manage', {});
    const rows = await this.db.select().from(importSources).orderBy(asc(importSources.source)).limit(500);
    return rows.map((r) => ({ source: r.source, mapping: r.mapping }));
  }

  private async load(executor: Executor, id: string, lock = false): Promise<BatchRow> {
    const q = executor.select().from(importBatches).where(eq(importBatches.id, id));
    const [row] = lock ? await q.for('update') : await q;
    if (!row) throw NotFound('No such import batch');
    return row;
  }

  /** The rows of a batch as judged (and, once confirmed, the record each created), by line. */
  async rows(actor: Actor, id: string, q: { outcome?: 'create' | 'skip'; page: number; pageSize: number }) {
    requireAccess(actor, 'import.manage', {});
    await this.load(this.db, id);
    const where = and(eq(importRows.batchId, id), q.outcome ? eq(importRows.outcome, q.outcome) : undefined);
    const [items, [total]] = await Promise.all([
      this.db
        .select({
          line: importRows.line,
          outcome: importRows.outcome,
          reasons: importRows.reasons,
          respondentId: importRows.respondentId,
        })
        .from(importRows)
        .where(where)
        .orderBy(asc(importRows.line))
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize),
      this.db.select({ n: count() }).from(importRows).where(where),
    ]);
    return {
      items: items as { line: number; outcome: 'create' | 'skip'; reasons: string[]; respondentId: string | null }[],
      total: total!.n,
    };
  }

  /** The dry-run report as CSV: every row's line, outcome and reasons (no personal data). */
  async *reportCsv(actor: Actor, id: string): AsyncGenerator<string> {
    requireAccess(actor, 'import.manage', {});
    await this.load(this.db, id);
    yield 'line,outcome,reasons,explanation,respondent_id\n';
    let after = 0;
    for (;;) {
      const rows = await this.db
        .select()
        .from(importRows)
        .where(and(eq(importRows.batchId, id), sql`${importRows.line} > ${after}`))
        .orderBy(asc(importRows.line))
        .limit(5_000);
      if (!rows.length) return;
      yield (
        rows
          .map((r) =>
            [
              String(r.line),
              r.outcome,
              r.reasons.join(';'),
              r.reasons.map((x) => IMPORT_SKIP_REASONS[x as ImportSkipReason] ?? x).join('; '),
              r.respondentId ?? '',
            ]
              .map(csvCell)
              .join(','),
          )
          .join('\n') + '\n'
      );
      after = rows[rows.length - 1]!.line;
    }
  }

  /** Apply a dry run: once (a second confirm is a 409 with the batch's state), as a background job. */
  async confirm(actor: Actor, id: string): Promise<{ batch: ImportBatch; job: Job }> {
    requireAccess(actor, 'import.manage', {});
    const { batch, job } = await this.db.transaction(async (tx) => {
      const row = await this.load(tx, id, true);
      if (row.state !== 'dry_run')
        throw Conflict(
          'IMPORT_STATE',
          `This batch is ${row.state.replace('_', ' ')}; only a dry run can be confirmed`,
          {
            state: row.state,
          },
        );
      const job = await this.jobs.create(tx, {
        type: IMPORT_APPLY_JOB,
        input: { batchId: id, actor: { id: actor.id, role: actor.role } },
        total: row.toCreate,
        createdBy: actor.id,
      });
      const [batch] = await tx
        .update(importBatches)
        .set({ state: 'confirming', jobId: job.id })
        .where(eq(importBatches.id, id))
        .returning();
      await recordAudit(tx, actor, {
        action: 'import.confirmed',
        targetType: 'import_batch',
        targetId: id,
        after: { jobId: job.id, toCreate: row.toCreate },
      });
      return { batch: batch!, job };
    });
    await this.jobs.enqueue(job);
    return { batch: toBatch(batch), job: toJob(job) };
  }

  /**
   * The confirm job: the batch's rows still to create, a chunk per transaction (checked again against
   * the registry as it is now), until none is left. Redelivery-safe: done rows carry their record.
   */
  async apply(jobId: string): Promise<void> {
    const job = await this.jobs.load(jobId);
    if (!job || job.state === 'completed' || job.state === 'failed') return;
    const input = job.input as { batchId: string; actor: { id: string | null; role: Actor['role'] } };
    const actor = systemActor(jobId, input.actor);
    for (;;) {
      const done = await this.db.transaction(async (tx) => {
        const progress = await this.jobs.lockProgress(tx, jobId);
        if (!progress) return true;
        const pending = await tx
          .select({ line: importRows.line, payload: importRows.payload })
          .from(importRows)
          .where(
            and(eq(importRows.batchId, input.batchId), eq(importRows.outcome, 'create'), isNotNull(importRows.payload)),
          )
          .orderBy(asc(importRows.line))
          .limit(APPLY_CHUNK);
        const people = pending.map((p) => JSON.parse(this.pii.open(p.payload!, 'answers')) as ImportedPerson);
        const results = await this.respondents.createImported(tx, actor, people);
        const updates = pending.map((p, i) => {
          const r = results[i]!;
          return 'id' in r
            ? { line: p.line, outcome: 'create', reasons: [] as string[], respondent_id: r.id }
            : { line: p.line, outcome: 'skip', reasons: r.skipped as string[], respondent_id: null };
        });
        if (updates.length)
          await tx.execute(sql`
            update ${importRows} ir
               set outcome = u.outcome, reasons = u.reasons, respondent_id = u.respondent_id, payload = null
              from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
                     as u(line int, outcome text, reasons text[], respondent_id uuid)
             where ir.batch_id = ${input.batchId} and ir.line = u.line`);
        const errors: JobRowError[] = updates
          .filter((u) => u.outcome === 'skip')
          .map((u) => ({
            row: u.line,
            code: u.reasons[0] ?? 'skipped',
            message: 'Skipped: the registry changed since the dry run',
          }));
        const finished = pending.length < APPLY_CHUNK;
        await this.jobs.recordProgress(tx, jobId, {
          processed: progress.processed + pending.length,
          succeeded: pending.length - errors.length,
          errors,
          finished,
        });
        if (finished) {
          const [created] = await tx
            .select({ n: count() })
            .from(importRows)
            .where(and(eq(importRows.batchId, input.batchId), isNotNull(importRows.respondentId)));
          const [skipped] = await tx
            .select({ n: count() })
            .from(importRows)
            .where(and(eq(importRows.batchId, input.batchId), eq(importRows.outcome, 'skip')));
          await tx
            .update(importBatches)
            .set({ state: 'confirmed', created: created!.n, skipped: skipped!.n, confirmedAt: new Date() })
            .where(eq(importBatches.id, input.batchId));
          await recordAudit(tx, actor, {
            action: 'import.applied',
            targetType: 'import_batch',
            targetId: input.batchId,
            after: { created: created!.n, skipped: skipped!.n },
          });
        }
        return finished;
      });
      if (done) return;
    }
  }

  /**
   * Remove what the batch created, in one transaction: records nobody touched since go; those changed
   * since stay and are reported. Only a confirmed batch, and only once (409 with its state otherwise).
   */
  async rollback(actor: Actor, id: string): Promise<ImportBatch> {
    requireAccess(actor, 'import.manage', {});
    const row = await this.db.transaction(async (tx) => {
      const batch = await this.load(tx, id, true);
      if (batch.state !== 'confirmed')
        throw Conflict(
          'IMPORT_STATE',
          `This batch is ${batch.state.replace('_', ' ')}; only a confirmed batch can be rolled back`,
          {
            state: batch.state,
          },
        );
      const created = await tx
        .select({ id: importRows.respondentId })
        .from(importRows)
        .where(and(eq(importRows.batchId, id), isNotNull(importRows.respondentId)));
      const report = await this.respondents.removeImported(
        tx,
        created.map((c) => c.id!),
      );
      const [updated] = await tx
        .update(importBatches)
        .set({ state: 'rolled_back', rolledBackAt: new Date(), rollback: report })
        .where(eq(importBatches.id, id))
        .returning();
      await recordAudit(tx, actor, {
        action: 'import.rolled_back',
        targetType: 'import_batch',
        targetId: id,
        after: { removed: report.removed, kept: report.kept.length },
      });
      return updated!;
    });
    return toBatch(row);
  }
}
