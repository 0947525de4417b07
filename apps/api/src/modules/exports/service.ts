import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, type ReadStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { uuidv7 } from 'uuidv7';
import {
  REPORT_MAX_RANGE_DAYS,
  lagosDay,
  lgaName,
  skillLabel,
  type ExportCreated,
  type ExportInfo,
  type ExportRequest,
  type Role,
} from '@oslrs/core';
import { can, requireAccess, scopeOf, type Actor } from '../../access/index.js';
import type { ExportFilters } from '../../db/schema/exports.js';
import type { Db } from '../../infra/db.js';
import type { PiiCipher } from '../../infra/pii.js';
import { Conflict, Gone, Invalid, NotFound } from '../../errors.js';
import { recordAudit } from '../audit/index.js';
import { defineJob, type JobsService } from '../jobs/index.js';
import type { RespondentExportFilter, RespondentExportRow, RespondentRepository } from '../respondents/index.js';
import { ExportRepository, type ExportRow } from './repository.js';
import { ExportTooLarge, XLSX_MAX_ROWS, csvSink, xlsxSink, type ExportSink } from './writer.js';

export const EXPORT_JOB = defineJob('exports.build');

/** The columns of every export, in order. */
export const EXPORT_COLUMNS = [
  'respondent_id',
  'surname',
  'first_name',
  'gender',
  'date_of_birth',
  'lga_code',
  'lga',
  'main_occupation',
  'employment_type',
  'skills',
  'status',
  'channel',
  'registered_at',
  'nin',
  'phone',
] as const;

/** What a masked NIN or phone reads as (the value is never opened for a masked export). */
export const MASKED = 'masked';

const DAY_MS = 86_400_000;
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

/** Registration days are Africa/Lagos days (UTC+1, no daylight saving), as in the reports. */
export function respondentFilter(f: ExportFilters): RespondentExportFilter {
  return {
    fromAt: f.from ? `${f.from}T00:00:00+01:00` : null,
    beforeAt: `${nextDay(f.to)}T00:00:00+01:00`,
    lga: f.lga,
    channel: f.channel,
    status: f.status,
  };
}

export interface ExportsConfig {
  dir: string;
  retentionMs: number;
  /** Rows read per keyset page. */
  pageSize?: number;
}

/**
 * Streamed exports of respondent data (issue 11): requested here, built by the `exports.build` job
 * page by page into a file under EXPORT_DIR, downloaded by the person who asked for it until it
 * expires (EXPORT_RETENTION_HOURS, default 24 h), then deleted by the sweeper.
 */
export class ExportService {
  private readonly repo = new ExportRepository();
  private readonly pageSize: number;

  constructor(
    private readonly db: Db,
    private readonly respondents: RespondentRepository,
    private readonly jobs: JobsService,
    private readonly pii: PiiCipher,
    private readonly config: ExportsConfig,
    private readonly onError: (err: unknown, msg: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.pageSize = config.pageSize ?? 500;
  }

  registerJobs(jobs: JobsService, sweepEveryMs: number) {
    jobs.register(EXPORT_JOB, (jobId) => this.build(jobId));
    jobs.addTicker(sweepEveryMs, () => this.sweep());
  }

  /**
   * Ask for an export. The same person asking for the same export (format, filters) while one is
   * queued or running gets that one back (`reused: true`) instead of a second job.
   */
  async request(actor: Actor, body: ExportRequest): Promise<ExportCreated> {
    const filter = body.filters;
    // Supervisors: their own LGA only; another LGA answers like a record out of scope (404).
    if (filter.lga) requireAccess(actor, 'export.create', { lgaCode: filter.lga });
    const scope = scopeOf(actor, 'export.create');
    let lga = filter.lga ?? null;
    if (scope.kind === 'lga') lga = scope.lgaCode;
    else if (scope.kind !== 'all') requireAccess(actor, 'export.create', {});

    const to = filter.to ?? lagosDay(new Date(this.now()));
    if (filter.from && (Date.parse(to) - Date.parse(filter.from)) / DAY_MS + 1 > REPORT_MAX_RANGE_DAYS)
      throw Invalid('VALIDATION_FAILED', 'The date range is longer than ten years', {
        issues: [{ path: ['filters', 'from'], message: 'The date range is longer than ten years' }],
      });
    const filters: ExportFilters = {
      from: filter.from ?? null,
      to,
      lga,
      channel: filter.channel ?? null,
      status: filter.status ?? null,
    };
    const unmasked = can(actor, 'export.identifiers');
    const fingerprint = exportFingerprint(actor.id, body.format, filters, unmasked);

    for (let attempt = 0; ; attempt++) {
      const outcome = await this.db.transaction(async (tx) => {
        const id = uuidv7();
        const jobId = uuidv7();
        const created = await this.repo.insertUnlessRunning(tx, {
          id,
          jobId,
          requestedBy: actor.id!,
          requesterRole: actor.role!,
          format: body.format,
          filters,
          fingerprint,
          unmasked,
          expiresAt: new Date(this.now() + this.config.retentionMs),
        });
        const row = created ?? (await this.repo.findRunning(tx, fingerprint));
        if (!row) return undefined;
        const job = created
          ? await this.jobs.create(tx, {
              id: jobId,
              type: EXPORT_JOB,
              input: { exportId: id },
              total: 0,
              createdBy: actor.id,
            })
          : undefined;
        await recordAudit(tx, actor, {
          action: 'export.requested',
          targetType: 'export',
          targetId: row.id,
          after: { format: body.format, filters, identifiers: unmasked ? 'full' : 'masked', reused: !created },
        });
        return { row, job };
      });
      // The running one finished between our insert and our look-up: try once more.
      if (!outcome) {
        if (attempt < 3) continue;
        throw Conflict('EXPORT_NOT_READY', 'The same export is being finished; ask again in a moment');
      }
      if (outcome.job) await this.jobs.enqueue(outcome.job);
      return { jobId: outcome.row.jobId, exportId: outcome.row.id, reused: !outcome.job };
    }
  }

  async get(actor: Actor, id: string): Promise<ExportInfo> {
    const row = await this.repo.findById(this.db, id);
    if (!row) throw NotFound();
    requireAccess(actor, 'export.download', { ownerId: row.requestedBy });
    return this.info(row);
  }

  /** The file of a finished export, for the person who asked for it (others: 403; after expiry: 410). */
  async download(
    actor: Actor,
    id: string,
  ): Promise<{ stream: ReadStream; fileName: string; contentType: string; bytes: number }> {
    const row = await this.repo.findById(this.db, id);
    if (!row) throw NotFound();
    requireAccess(actor, 'export.download', { ownerId: row.requestedBy });
    if (row.status === 'expired' || row.expiresAt.getTime() <= this.now()) throw Gone('EXPORT_EXPIRED');
    if (row.status === 'failed') throw Conflict('EXPORT_NOT_READY', 'This export failed; request it again');
    if (row.status !== 'completed' || !row.fileName) throw Conflict('EXPORT_NOT_READY');
    const path = join(this.config.dir, row.fileName);
    const size = await stat(path).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) throw Gone('EXPORT_EXPIRED');
    await recordAudit(this.db, actor, {
      action: 'export.downloaded',
      targetType: 'export',
      targetId: row.id,
      after: { rowCount: row.rowCount },
    });
    const day = lagosDay(row.createdAt).replaceAll('-', '');
    return {
      stream: createReadStream(path),
      fileName: `oslrs-respondents-${day}-${row.id.slice(-8)}.${row.format}`,
      contentType:
        row.format === 'csv'
          ? 'text/csv; charset=utf-8'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      bytes: size,
    };
  }

  /**
   * The job: one REPEATABLE READ transaction (a consistent snapshot, and the export row locked so a
   * second delivery skips it) that reads respondents from a server-side cursor, page by page, and
   * writes each page to the file before fetching the next. A killed worker leaves the export queued; the relay runs it again.
   */
  async build(jobId: string): Promise<void> {
    const found = await this.repo.findByJob(this.db, jobId);
    if (!found) return;
    // Written and committed, but the job row was not moved on (a crash in between): finish it now.
    if (found.status === 'completed')
      return this.jobs.finish(this.db, jobId, { processed: found.rowCount ?? 0, total: found.rowCount ?? 0 });
    if (found.status !== 'queued' && found.status !== 'running') return;
    let done: number | undefined;
    mkdirSync(this.config.dir, { recursive: true, mode: 0o700 });
    const part = join(this.config.dir, `${found.id}.${found.format}.part`);
    const fileName = `${found.id}.${found.format}`;
    let sink: ExportSink | undefined;
    try {
      await this.db.transaction(
        async (tx) => {
          const row = await this.repo.lockForRun(tx, found.id);
          if (!row) return;
          const filter = respondentFilter(row.filters);
          const total = await this.respondents.exportCount(tx, filter);
          if (row.format === 'xlsx' && total + 1 > XLSX_MAX_ROWS)
            throw new ExportTooLarge(
              `${total.toLocaleString('en')} rows do not fit one XLSX sheet (at most ${(XLSX_MAX_ROWS - 1).toLocaleString('en')}); export them as CSV`,
            );
          await this.jobs.progress(jobId, { processed: 0, total });
          sink = row.format === 'xlsx' ? xlsxSink(part) : csvSink(part);
          await sink.rows([[...EXPORT_COLUMNS]]);
          const identifiers = row.unmasked ? 'sealed' : 'presence';
          let written = 0;
          let reported = Date.now();
          for await (const page of this.respondents.exportPages(tx, filter, identifiers, this.pageSize)) {
            await sink.rows(page.map((r) => this.cells(r, row.unmasked)));
            written += page.length;
            // Progress at most every 250 ms: the bar moves, the jobs row is not rewritten per page.
            if (Date.now() - reported >= 250) {
              reported = Date.now();
              await this.jobs.progress(jobId, { processed: written, total: Math.max(total, written) });
            }
          }
          const bytes = await sink.close();
          sink = undefined;
          await rename(part, join(this.config.dir, fileName));
          await this.repo.update(tx, row.id, {
            status: 'completed',
            rowCount: written,
            bytes,
            fileName,
            finishedAt: new Date(this.now()),
          });
          done = written;
          await recordAudit(tx, requester(row), {
            action: 'export.completed',
            targetType: 'export',
            targetId: row.id,
            after: {
              format: row.format,
              filters: row.filters,
              rowCount: written,
              identifiers: row.unmasked ? 'full' : 'masked',
            },
          });
        },
        { isolationLevel: 'repeatable read' },
      );
    } catch (err) {
      await sink?.abort();
      await unlink(part).catch(() => undefined);
      this.onError(err, 'export failed');
      const message = err instanceof ExportTooLarge ? err.message : 'The export could not be written; request it again';
      await this.repo.update(this.db, found.id, { status: 'failed', error: message });
      await this.jobs.fail(this.db, jobId, message);
      return;
    }
    // The job row is updated by progress outside the snapshot: it is finished after the commit.
    if (done !== undefined) await this.jobs.finish(this.db, jobId, { processed: done, total: done });
  }

  /** One respondent as an export row: NIN and phone opened only for an unmasked export. */
  private cells(r: RespondentExportRow, unmasked: boolean): string[] {
    const identifier = (sealed: string | null, purpose: 'nin' | 'phone') =>
      sealed === null ? '' : unmasked ? this.pii.open(sealed, purpose) : MASKED;
    return [
      r.id,
      r.surname ?? '',
      r.firstname ?? '',
      r.gender ?? '',
      r.dob ?? '',
      r.lgaCode ?? '',
      r.lgaCode ? (lgaName(r.lgaCode) ?? '') : '',
      r.mainOccupation ?? '',
      r.employmentType ?? '',
      r.skills ? r.skills.split('\u001f').map(skillLabel).join('; ') : '',
      r.status,
      r.source,
      r.createdAt,
      identifier(r.ninSealed, 'nin'),
      identifier(r.phoneSealed, 'phone'),
    ];
  }

  /** Deletes the files of expired exports and marks them `expired` (the jobs worker's ticker). */
  async sweep(): Promise<number> {
    const rows = await this.repo.expired(this.db, new Date(this.now()), 200);
    for (const row of rows) {
      for (const name of [row.fileName, `${row.id}.${row.format}.part`])
        if (name) await unlink(join(this.config.dir, name)).catch(() => undefined);
      await this.repo.update(this.db, row.id, { status: 'expired', fileName: null });
    }
    return rows.length;
  }

  private info(row: ExportRow): ExportInfo {
    const expired = row.status === 'expired' || row.expiresAt.getTime() <= this.now();
    return {
      id: row.id,
      jobId: row.jobId,
      format: row.format as ExportInfo['format'],
      filters: row.filters,
      state: expired ? 'expired' : (row.status as ExportInfo['state']),
      rowCount: row.rowCount,
      identifiers: row.unmasked ? 'full' : 'masked',
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
    };
  }
}

/** Who asked, in which format, with which filters and identifiers: equal requests, equal fingerprints. */
export function exportFingerprint(userId: string | null, format: string, f: ExportFilters, unmasked: boolean) {
  const filters = [f.from, f.to, f.lga, f.channel, f.status];
  return createHash('sha256')
    .update(JSON.stringify([userId, format, filters, unmasked]))
    .digest('base64url');
}

/** The person an export runs for, as the audit log records them. */
function requester(row: ExportRow): Actor {
  return {
    kind: 'system',
    id: row.requestedBy,
    role: row.requesterRole as Role,
    lgaCode: null,
    ip: null,
    requestId: `job:${row.jobId}`,
  };
}
