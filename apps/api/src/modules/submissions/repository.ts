/**
 * Every query on `submissions` and `submission_outbox`: the submissions module owns these tables.
 * Other modules reach them through the submissions service or this repository's exported reads
 * (the fraud signals' history).
 */
import {
  and,
  between,
  desc,
  eq,
  getTableColumns,
  gte,
  inArray,
  lt,
  lte,
  ne,
  notInArray,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import type { Scope } from '../../access/index.js';
import { submissionAttachments, submissionOutbox, submissions } from '../../db/schema/submissions.js';
import { newestFirst, rowsOf, tableRows, type Executor } from '../../infra/db.js';
import { BoundedMap } from '../../infra/bounded-map.js';
import type { PiiCipher } from '../../infra/pii.js';

export type SubmissionRow = typeof submissions.$inferSelect;
export type NewSubmission = typeof submissions.$inferInsert;
/**
 * What a submission's status view needs (toStatusView, the reader's access check, paging): no answers,
 * so a status read neither carries the answers over the wire nor parses or opens them.
 */
const STATUS_COLUMNS = {
  id: submissions.id,
  submittedBy: submissions.submittedBy,
  lgaCode: submissions.lgaCode,
  completedAt: submissions.completedAt,
  receivedAt: submissions.receivedAt,
  status: submissions.status,
  error: submissions.error,
  respondentId: submissions.respondentId,
  replaces: submissions.replaces,
  ingestedAt: submissions.ingestedAt,
  fraudScore: submissions.fraudScore,
  fraudBand: submissions.fraudBand,
  fraudReasons: submissions.fraudReasons,
  reviewStatus: submissions.reviewStatus,
  reviewComment: submissions.reviewComment,
  reviewedAt: submissions.reviewedAt,
};
export type SubmissionStatusRow = Pick<SubmissionRow, keyof typeof STATUS_COLUMNS>;
export type AttachmentRow = typeof submissionAttachments.$inferSelect;
export type NewAttachment = typeof submissionAttachments.$inferInsert;
export type SubmissionOutcome = Pick<
  Partial<NewSubmission>,
  | 'status'
  | 'error'
  | 'respondentId'
  | 'ingestedAt'
  | 'fraudScore'
  | 'fraudBand'
  | 'fraudReasons'
  | 'fraudSettingsVersion'
>;

/** What the fraud signals need to know about a collector's other work (see fraud/service.ts). */
export interface SubmissionHistory {
  collectorHistory(
    tx: Executor,
    sub: { id: string; submittedBy: string; replaces?: string | null },
    from: Date,
    to: Date,
  ): Promise<
    { lat: number | null; lng: number | null; at: Date; versionId: string; answers: SubmissionRow['answers'] }[]
  >;
  fixesByOthers(
    tx: Executor,
    submittedBy: string,
    day: { from: Date; to: Date },
    lat: { min: number; max: number },
  ): Promise<{ lat: number | null; lng: number | null }[]>;
  durationStats(tx: Executor, versionId: string): Promise<{ n: number; median: number | null }>;
  /** Other submissions giving this phone (its blind index) completed in [from, to]: the same-phone signal. */
  countByPhone(tx: Executor, phoneHash: string, excludeId: string, from: Date, to: Date): Promise<number>;
  /** `collectorHistory` for many submissions in two round trips (an ingestion batch): by submission id. */
  collectorHistories(tx: Executor, requests: HistoryRequest[]): Promise<Map<string, HistoryRow[]>>;
  /** `fixesByOthers` for many submissions in one round trip: by submission id. */
  fixesByOthersMany(
    tx: Executor,
    requests: FixesRequest[],
  ): Promise<Map<string, { lat: number | null; lng: number | null }[]>>;
}
export interface HistoryRow {
  lat: number | null;
  lng: number | null;
  at: Date;
  versionId: string;
  answers: SubmissionRow['answers'];
}
export interface HistoryRequest {
  id: string;
  submittedBy: string;
  replaces?: string | null;
  from: Date;
  to: Date;
}
export interface FixesRequest {
  id: string;
  submittedBy: string;
  day: { from: Date; to: Date };
  lat: { min: number; max: number };
}

/** Every column of `submissions` but the answers (a `returning` list). */
const WITHOUT_ANSWERS = sql.join(
  Object.values(getTableColumns(submissions))
    .filter((c) => c.name !== 'answers')
    .map((c) => sql.identifier(c.name)),
  sql`, `,
);

const uuidArray = (values: readonly (string | null | undefined)[]) =>
  sql`${`{${values.map((v) => (v ? v : 'NULL')).join(',')}}`}::uuid[]`;
const timeArray = (values: readonly Date[]) =>
  sql`${`{${values.map((v) => `"${v.toISOString()}"`).join(',')}}`}::timestamptz[]`;

/** The review list's filters, on indexed columns; `scope` comes from the access helper. */
export interface ReviewFilter {
  lga?: string;
  status?: string;
  band?: string;
  enumeratorId?: string;
  from?: Date;
  to?: Date;
}
/** A keyset position: the last row's sort values (the timestamp as PostgreSQL's text, to the microsecond). */
export interface ReviewKey {
  score: number;
  at: string;
  id: string;
}
/** What a review list item shows: everything but the answers (kilobytes a row, read only on the detail). */
export type ReviewListRow = Omit<SubmissionRow, 'answers' | 'bodyHash' | 'error'>;
export type ReviewRow = ReviewListRow & { key: ReviewKey };
const { answers: _answers, bodyHash: _bodyHash, error: _error, ...reviewListColumns } = getTableColumns(submissions);
export type ReviewChange = Pick<NewSubmission, 'reviewStatus' | 'reviewedBy' | 'reviewedAt' | 'reviewComment'>;

/**
 * Raw answers are stored without their personal identifiers (the questionnaire's NIN and phone
 * questions): those go sealed, together, into `pii_sealed`. Rows read through this repository have
 * their answers whole again.
 */
/** A resident's own submissions (the public channel, by the account that sent them). */
const residentsOwn = (userId: string) => and(eq(submissions.submittedBy, userId), eq(submissions.channel, 'public'));

export class SubmissionRepository implements SubmissionHistory {
  /**
   * Opened identifier answers by submission id (least recently used out first): every ingestion
   * compares against its collector's recent 50 surveys, so the same few rows are opened again and again.
   */
  private readonly opened = new BoundedMap<string, SubmissionRow['answers']>(5000);

  /**
   * A collector's recent surveys never change (raw content is immutable), so a worker keeps the ones it
   * has read (least recently used out first): a batch's history is then mostly a list of ids. Its
   * size (FRAUD_HISTORY_ROWS) wants the collectors active at once × 50; too small, rows are read and
   * opened again (docs/capacity.md, 7 December, sixth session).
   */
  private readonly historyRows: BoundedMap<string, HistoryRow>;

  constructor(
    private readonly pii: PiiCipher,
    historyCacheRows = 40_000,
  ) {
    this.historyRows = new BoundedMap<string, HistoryRow>(historyCacheRows);
  }

  private openPii(id: string, sealed: string): SubmissionRow['answers'] {
    let personal = this.opened.get(id);
    if (!personal) {
      personal = JSON.parse(this.pii.open(sealed, 'answers')) as SubmissionRow['answers'];
      this.opened.set(id, personal);
    }
    return personal;
  }

  /** The values to store for these answers: the named identifier fields move, sealed, to piiSealed. */
  sealAnswers(answers: SubmissionRow['answers'], piiFields: string[]): Pick<NewSubmission, 'answers' | 'piiSealed'> {
    const rest = { ...answers };
    const personal: SubmissionRow['answers'] = {};
    for (const f of piiFields) {
      if (!(f in rest)) continue;
      personal[f] = rest[f]!;
      delete rest[f];
    }
    return {
      answers: rest,
      piiSealed: Object.keys(personal).length ? this.pii.seal(JSON.stringify(personal), 'answers') : null,
    };
  }

  /** A row with its answers whole (the sealed identifiers opened back into them). */
  open(row: SubmissionRow): SubmissionRow {
    if (!row.piiSealed) return row;
    return { ...row, answers: { ...row.answers, ...this.openPii(row.id, row.piiSealed) } };
  }

  async findByIds(executor: Executor, ids: string[]): Promise<SubmissionRow[]> {
    if (!ids.length) return [];
    const rows = await executor.select().from(submissions).where(inArray(submissions.id, ids));
    return rows.map((r) => this.open(r));
  }

  /** A submission's status fields only (no answers), for its status view. */
  async statusById(executor: Executor, id: string): Promise<SubmissionStatusRow | undefined> {
    const [row] = await executor.select(STATUS_COLUMNS).from(submissions).where(eq(submissions.id, id)).limit(1);
    return row;
  }

  async findById(executor: Executor, id: string): Promise<SubmissionRow | undefined> {
    const [row] = await executor.select().from(submissions).where(eq(submissions.id, id)).limit(1);
    return row && this.open(row);
  }

  /** Whether this resident already has a live registration (the predicate of submissions_public_one_person_uq). */
  async hasLivePublicSubmission(executor: Executor, userId: string): Promise<boolean> {
    const [row] = await executor
      .select({ id: submissions.id })
      .from(submissions)
      .where(
        and(
          residentsOwn(userId),
          inArray(submissions.status, ['received', 'ingested']),
          ne(submissions.reviewStatus, 'superseded'),
        ),
      )
      .limit(1);
    return !!row;
  }

  // --- residents' correction requests (status `held` until a reviewer approves) -----------------

  /** The resident's current registration: their one ingested public submission not superseded. */
  async liveRegistration(executor: Executor, userId: string): Promise<SubmissionRow | undefined> {
    const [row] = await executor
      .select()
      .from(submissions)
      .where(and(residentsOwn(userId), eq(submissions.status, 'ingested'), ne(submissions.reviewStatus, 'superseded')))
      .orderBy(desc(submissions.ingestedAt))
      .limit(1);
    return row && this.open(row);
  }

  /** A correction request, stored without an outbox row: nothing ingests it before its approval. */
  async insertHeld(tx: Executor, values: NewSubmission): Promise<SubmissionRow | undefined> {
    const [row] = await tx
      .insert(submissions)
      .values({ ...values, status: 'held' })
      .onConflictDoNothing({ target: submissions.id })
      .returning();
    return row;
  }

  /** An approved request goes to ingestion: its outbox row, in the decision's transaction (the relay's safety net). */
  async releaseHeld(tx: Executor, id: string): Promise<void> {
    await tx.insert(submissionOutbox).values({ submissionId: id }).onConflictDoNothing();
  }

  /** A turned-down request leaves `held` (freeing the resident's one waiting slot) for good. */
  async dropHeld(tx: Executor, id: string): Promise<SubmissionRow> {
    const [row] = await tx
      .update(submissions)
      .set({ status: 'rejected' })
      .where(and(eq(submissions.id, id), eq(submissions.status, 'held')))
      .returning();
    return row!;
  }

  /** A resident's correction requests, newest first (their answers are not needed: not opened). */
  async correctionRequests(executor: Executor, userId: string, limit = 50): Promise<SubmissionRow[]> {
    return executor
      .select()
      .from(submissions)
      .where(and(residentsOwn(userId), sql`${submissions.replaces} is not null`))
      .orderBy(desc(submissions.receivedAt), desc(submissions.id))
      .limit(limit);
  }

  /**
   * Raw submissions and their outbox rows, in the caller's transaction; ids already present are skipped.
   * One statement from one JSON parameter (a request's 50 surveys were ~1,000 parameters for Drizzle
   * to build and PostgreSQL to plan, and a second round trip for the outbox rows). The rows come back
   * without their answers (read back, they were parsed again for nothing): those given are put back.
   */
  async insertWithOutbox(
    tx: Executor,
    values: NewSubmission[],
    attachments: NewAttachment[] = [],
  ): Promise<SubmissionRow[]> {
    const json = values.map((v) => ({
      id: v.id,
      questionnaire_version_id: v.questionnaireVersionId,
      channel: v.channel,
      submitted_by: v.submittedBy ?? null,
      answers: v.answers,
      pii_sealed: v.piiSealed ?? null,
      pii_legacy: v.piiLegacy ?? false,
      nin_deferred: v.ninDeferred ?? false,
      phone_hash: v.phoneHash ?? null,
      started_at: v.startedAt,
      completed_at: v.completedAt,
      gps_lat: v.gpsLat ?? null,
      gps_lng: v.gpsLng ?? null,
      gps_accuracy: v.gpsAccuracy ?? null,
      device_id: v.deviceId ?? null,
      replaces: v.replaces ?? null,
      lga_code: v.lgaCode ?? null,
      body_hash: v.bodyHash,
      status: v.status ?? 'received',
    }));
    const rows = tableRows(
      submissions,
      await tx.execute(sql`
        with inserted as (
          insert into ${submissions} (id, questionnaire_version_id, channel, submitted_by, answers, pii_sealed, pii_legacy,
                 nin_deferred, phone_hash, started_at, completed_at, gps_lat, gps_lng, gps_accuracy, device_id,
                 replaces, lga_code, body_hash, status)
          select * from jsonb_to_recordset(${JSON.stringify(json)}::jsonb)
            as v(id uuid, questionnaire_version_id uuid, channel text, submitted_by uuid, answers jsonb, pii_sealed text,
                 pii_legacy boolean, nin_deferred boolean, phone_hash text, started_at timestamptz,
                 completed_at timestamptz, gps_lat double precision, gps_lng double precision,
                 gps_accuracy double precision, device_id text, replaces uuid, lga_code text, body_hash text,
                 status text)
          on conflict (id) do nothing
          returning ${WITHOUT_ANSWERS}
        ), outbox as (
          -- One still waiting for its files gets its outbox row when the last one arrives (releaseAwaiting).
          insert into ${submissionOutbox} (submission_id)
          select id from inserted where status <> 'awaiting_files'
        )
        select * from inserted`),
    );
    const answers = new Map(values.map((v) => [v.id, v.answers]));
    for (const row of rows) row.answers = answers.get(row.id)!;
    const inserted = new Set(rows.map((r) => r.id));
    const mine = attachments.filter((a) => inserted.has(a.submissionId));
    if (mine.length) await tx.insert(submissionAttachments).values(mine);
    return rows;
  }

  // --- attachments (the files of media answers) --------------------------------------------------

  async attachment(executor: Executor, submissionId: string, name: string): Promise<AttachmentRow | undefined> {
    const [row] = await executor
      .select()
      .from(submissionAttachments)
      .where(and(eq(submissionAttachments.submissionId, submissionId), eq(submissionAttachments.name, name)));
    return row;
  }

  /** The row an upload appends to, locked until its transaction ends (concurrent chunks take turns). */
  async lockAttachment(tx: Executor, submissionId: string, name: string): Promise<AttachmentRow | undefined> {
    const [row] = await tx
      .select()
      .from(submissionAttachments)
      .where(and(eq(submissionAttachments.submissionId, submissionId), eq(submissionAttachments.name, name)))
      .for('update');
    return row;
  }

  async attachmentsOf(executor: Executor, submissionId: string): Promise<AttachmentRow[]> {
    return executor
      .select()
      .from(submissionAttachments)
      .where(eq(submissionAttachments.submissionId, submissionId))
      .orderBy(submissionAttachments.name);
  }

  async setAttachmentProgress(
    tx: Executor,
    submissionId: string,
    name: string,
    change: Pick<NewAttachment, 'received' | 'contentType' | 'completedAt'>,
  ): Promise<AttachmentRow> {
    const [row] = await tx
      .update(submissionAttachments)
      .set(change)
      .where(and(eq(submissionAttachments.submissionId, submissionId), eq(submissionAttachments.name, name)))
      .returning();
    return row!;
  }

  /**
   * The last file has arrived: `awaiting_files` becomes `received` and the outbox row is written, in
   * the caller's transaction. Returns the row when it changed (once, however many uploads race).
   */
  async releaseAwaiting(tx: Executor, submissionId: string): Promise<SubmissionRow | undefined> {
    const [left] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(submissionAttachments)
      .where(
        and(eq(submissionAttachments.submissionId, submissionId), sql`${submissionAttachments.completedAt} is null`),
      );
    if (left!.n > 0) return undefined;
    const [row] = await tx
      .update(submissions)
      .set({ status: 'received' })
      .where(and(eq(submissions.id, submissionId), eq(submissions.status, 'awaiting_files')))
      .returning();
    if (row) await tx.insert(submissionOutbox).values({ submissionId }).onConflictDoNothing();
    return row && this.open(row);
  }

  /** The row an ingestion works on, locked until its transaction ends (redeliveries wait, then skip). */
  async lockForIngest(tx: Executor, id: string): Promise<SubmissionRow | undefined> {
    const [row] = await tx.select().from(submissions).where(eq(submissions.id, id)).for('update');
    return row && this.open(row);
  }

  /**
   * Up to `limit` submissions waiting for ingestion (outbox row not done), oldest first, their rows
   * locked until the caller's transaction ends. Rows another transaction holds are skipped, so
   * concurrent claimers take disjoint batches without waiting on each other.
   *
   * Only the submission row is locked (the one lock every ingestion takes, `lockForIngest` too): with
   * the outbox row locked as well, a row skipped at its submission kept its outbox row locked to this
   * batch, and the redelivery holding that submission waited on the batch when it settled, while the
   * batch waited on the redelivery's duplicate-key lock (a deadlock; ingest-batch.test.ts).
   *
   * The oldest pending outbox rows are taken first on their own (narrow rows, the pending index), and
   * only those are joined to their submissions: planned as one join, a table whose statistics said
   * "few pending" (a fresh database, or a registry where almost every row is done) had PostgreSQL join
   * and sort every pending submission, whole, for each claim — 9,000 buffers for 3,000 pending rows,
   * a backlog making every claim slower. The window is wide enough for the rows other batches hold.
   */
  async claimPending(tx: Executor, limit: number, except: readonly string[] = []): Promise<SubmissionRow[]> {
    const oldest = tx
      .select({ id: submissionOutbox.submissionId, createdAt: submissionOutbox.createdAt })
      .from(submissionOutbox)
      .where(
        and(
          sql`${submissionOutbox.doneAt} is null`,
          except.length ? notInArray(submissionOutbox.submissionId, [...except]) : undefined,
        ),
      )
      .orderBy(submissionOutbox.createdAt)
      .limit(Math.max(limit * 20, 1000))
      .as('oldest');
    const rows = await tx
      .select(getTableColumns(submissions))
      .from(oldest)
      .innerJoin(submissions, eq(submissions.id, oldest.id))
      .orderBy(oldest.createdAt)
      .limit(limit)
      .for('update', { of: submissions, skipLocked: true });
    return rows.map((r) => {
      const row = this.open(r);
      // The batch's own surveys are each other's history (collectorHistories): already read.
      const { gpsLat: lat, gpsLng: lng, completedAt: at, questionnaireVersionId: versionId, answers } = row;
      this.historyRows.set(row.id, { lat, lng, at, versionId, answers });
      return row;
    });
  }

  /** The outcome and the outbox receipt in one round trip. */
  async settle(tx: Executor, id: string, outcome: SubmissionOutcome): Promise<void> {
    const set = tx.update(submissions).set(outcome).where(eq(submissions.id, id)).getSQL();
    await tx.execute(
      sql`with outcome as (${set}) update ${submissionOutbox} set done_at = now() where ${submissionOutbox.submissionId} = ${id}`,
    );
  }

  /**
   * `settle` for many submissions in one round trip (an ingestion batch): each row's outcome and its
   * outbox receipt. Every outcome names all of the columns `settle` may set (absent ones are null).
   */
  async settleMany(tx: Executor, outcomes: { id: string; outcome: SubmissionOutcome }[]): Promise<void> {
    if (!outcomes.length) return;
    const rows = outcomes.map(({ id, outcome: o }) => ({
      id,
      status: o.status,
      error: o.error ?? null,
      respondent_id: o.respondentId ?? null,
      ingested_at: o.ingestedAt ? o.ingestedAt.toISOString() : null,
      fraud_score: o.fraudScore ?? null,
      fraud_band: o.fraudBand ?? null,
      fraud_reasons: o.fraudReasons ?? null,
      fraud_settings_version: o.fraudSettingsVersion ?? null,
    }));
    await tx.execute(sql`
      with v as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as v(id uuid, status text, error jsonb, respondent_id uuid, ingested_at timestamptz, fraud_score integer,
               fraud_band text, fraud_reasons jsonb, fraud_settings_version integer)
      ), outcome as (
        update ${submissions} s
           set status = v.status, error = v.error, respondent_id = v.respondent_id, ingested_at = v.ingested_at,
               fraud_score = v.fraud_score, fraud_band = v.fraud_band, fraud_reasons = v.fraud_reasons,
               fraud_settings_version = v.fraud_settings_version
          from v where s.id = v.id
      )
      update ${submissionOutbox} set done_at = now()
       where ${submissionOutbox.submissionId} in (select id from v)`);
  }

  /** `markDone` for many submissions in one statement. */
  async markDoneMany(tx: Executor, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await tx.update(submissionOutbox).set({ doneAt: new Date() }).where(inArray(submissionOutbox.submissionId, ids));
  }

  async markDone(tx: Executor, id: string): Promise<void> {
    await tx.update(submissionOutbox).set({ doneAt: new Date() }).where(eq(submissionOutbox.submissionId, id));
  }

  /** A page of submissions within a scope, newest first, keyset-paged on (completedAt, id). */
  /** One page of status rows (no answers) in the caller's scope, newest first. */
  async page(
    executor: Executor,
    scope: Scope,
    limit: number,
    after?: { at: Date; id?: string },
  ): Promise<SubmissionStatusRow[]> {
    const where: (SQL | undefined)[] = [scopeWhere(scope)];
    if (after) {
      where.push(
        after.id
          ? or(
              lt(submissions.completedAt, after.at),
              and(eq(submissions.completedAt, after.at), lt(submissions.id, after.id)),
            )
          : lt(submissions.completedAt, after.at),
      );
    }
    return executor
      .select(STATUS_COLUMNS)
      .from(submissions)
      .where(and(...where))
      .orderBy(newestFirst(submissions.completedAt), newestFirst(submissions.id))
      .limit(limit);
  }

  /**
   * The review list: one page in the caller's scope, newest first or most suspicious first (unscored
   * last), keyset-paged on the sort values so that page 10,000 costs what page 1 does. The ORDER BY
   * matches the indexes of migration 0014 exactly (coalesce(score, -1), completed_at, id; all descending).
   */
  async reviewPage(
    executor: Executor,
    scope: Scope,
    f: ReviewFilter,
    sort: 'recent' | 'score',
    limit: number,
    after?: ReviewKey,
  ): Promise<ReviewRow[]> {
    const score = sql`coalesce(${submissions.fraudScore}, -1)`;
    const where: (SQL | undefined)[] = [scopeWhere(scope)];
    if (f.lga) where.push(eq(submissions.lgaCode, f.lga));
    if (f.status) where.push(eq(submissions.reviewStatus, f.status));
    if (f.band) where.push(eq(submissions.fraudBand, f.band));
    if (f.enumeratorId) where.push(eq(submissions.submittedBy, f.enumeratorId));
    if (f.from) where.push(gte(submissions.completedAt, f.from));
    if (f.to) where.push(lt(submissions.completedAt, f.to));
    if (after) {
      where.push(
        sort === 'score'
          ? sql`(${score}, ${submissions.completedAt}, ${submissions.id}) < (${after.score}, ${after.at}::timestamptz, ${after.id}::uuid)`
          : sql`(${submissions.completedAt}, ${submissions.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`,
      );
    }
    const order =
      sort === 'score'
        ? [sql`${score} desc`, sql`${submissions.completedAt} desc nulls last`, sql`${submissions.id} desc nulls last`]
        : [sql`${submissions.completedAt} desc nulls last`, sql`${submissions.id} desc nulls last`];
    const rows = await executor
      .select({
        row: reviewListColumns,
        keyScore: sql<number>`${score}`,
        keyAt: sql<string>`${submissions.completedAt}::text`,
      })
      .from(submissions)
      .where(and(...where))
      .orderBy(...order)
      .limit(limit);
    return rows.map((r) => ({ ...r.row, key: { score: Number(r.keyScore), at: r.keyAt, id: r.row.id } }));
  }

  /** The row a review decides on, locked until the decision's transaction ends. */
  async lockForReview(tx: Executor, id: string): Promise<SubmissionRow | undefined> {
    const [row] = await tx.select().from(submissions).where(eq(submissions.id, id)).for('update');
    return row;
  }

  async setReview(tx: Executor, id: string, change: ReviewChange): Promise<SubmissionRow> {
    const [row] = await tx.update(submissions).set(change).where(eq(submissions.id, id)).returning();
    return row!;
  }

  /** The submission that corrects `id`, if one was received. */
  async replacementOf(executor: Executor, id: string): Promise<string | null> {
    const [row] = await executor
      .select({ id: submissions.id })
      .from(submissions)
      .where(and(eq(submissions.replaces, id), ne(submissions.status, 'rejected')))
      .limit(1);
    return row?.id ?? null;
  }

  /** Which of these submissions already have a correction (intake refuses a second one). */
  async replaced(executor: Executor, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await executor
      .select({ replaces: submissions.replaces })
      .from(submissions)
      .where(and(inArray(submissions.replaces, ids), ne(submissions.status, 'rejected')));
    return new Set(rows.map((r) => r.replaces!));
  }

  /** A collector's surveys returned for correction and not yet corrected (the device's "needs correction" list). */
  async returnedTo(executor: Executor, userId: string, limit = 200): Promise<SubmissionRow[]> {
    const rows = await executor
      .select()
      .from(submissions)
      .where(
        and(
          eq(submissions.submittedBy, userId),
          eq(submissions.reviewStatus, 'returned'),
          sql`not exists (select 1 from ${submissions} r where r.replaces = ${submissions.id} and r.status <> 'rejected')`,
        ),
      )
      .orderBy(desc(submissions.reviewedAt))
      .limit(limit);
    // Whole answers: the device pre-fills the correction with them (its own survey, NIN included).
    return rows.map((r) => this.open(r));
  }

  /** A respondent's submissions, newest first. */
  async forRespondent(executor: Executor, respondentId: string, limit = 100): Promise<SubmissionRow[]> {
    const rows = await executor
      .select()
      .from(submissions)
      .where(eq(submissions.respondentId, respondentId))
      .orderBy(newestFirst(submissions.completedAt))
      .limit(limit);
    return rows.map((r) => this.open(r));
  }

  /** A merge: every submission of `from` now belongs to `to` (outcome column; the raw row is untouched). */
  async reassignRespondent(tx: Executor, from: string, to: string): Promise<number> {
    const rows = await tx
      .update(submissions)
      .set({ respondentId: to })
      .where(eq(submissions.respondentId, from))
      .returning({ id: submissions.id });
    return rows.length;
  }

  /** How many submissions each respondent has (respondent_id index). */
  async countByRespondents(executor: Executor, ids: string[]): Promise<Map<string, number>> {
    if (!ids.length) return new Map();
    const rows = await executor
      .select({ id: submissions.respondentId, n: sql<number>`count(*)::int` })
      .from(submissions)
      .where(inArray(submissions.respondentId, ids))
      .groupBy(submissions.respondentId);
    return new Map(rows.map((r) => [r.id!, r.n]));
  }

  /** Outbox rows still not done after `olderThanMs`, oldest first. */
  async pendingOutbox(executor: Executor, olderThanMs: number, max: number): Promise<string[]> {
    const rows = await executor
      .select({ id: submissionOutbox.submissionId })
      .from(submissionOutbox)
      .where(
        and(
          sql`${submissionOutbox.doneAt} is null`,
          lt(submissionOutbox.createdAt, new Date(Date.now() - olderThanMs)),
        ),
      )
      .orderBy(submissionOutbox.createdAt)
      .limit(max);
    return rows.map((r) => r.id);
  }

  /** Deletes up to `max` outbox rows done before `before`; returns how many. */
  async deleteDoneOutbox(executor: Executor, before: Date, max: number): Promise<number> {
    const due = executor
      .select({ id: submissionOutbox.submissionId })
      .from(submissionOutbox)
      .where(lt(submissionOutbox.doneAt, before))
      .limit(max);
    const deleted = await executor
      .delete(submissionOutbox)
      .where(inArray(submissionOutbox.submissionId, due))
      .returning({ id: submissionOutbox.submissionId });
    return deleted.length;
  }

  /**
   * One more delivery attempt on each still-pending row. Rows an ingestion has settled but not committed are
   * skipped, never waited for: the relay's one statement over thousands of rows, waiting on them
   * while those ingestions wait on each other's rollup rows, was a deadlock the relay lost every round.
   */
  async countAttempt(executor: Executor, ids: string[]): Promise<void> {
    if (!ids.length) return;
    const free = executor
      .select({ id: submissionOutbox.submissionId })
      .from(submissionOutbox)
      .where(and(inArray(submissionOutbox.submissionId, ids), sql`${submissionOutbox.doneAt} is null`))
      .orderBy(submissionOutbox.submissionId)
      .for('update', { skipLocked: true });
    await executor
      .update(submissionOutbox)
      .set({ attempts: sql`${submissionOutbox.attempts} + 1` })
      .where(inArray(submissionOutbox.submissionId, free));
  }

  // --- the fraud signals' view of history -------------------------------------------------------

  /** Whole answers (identifiers opened): an identical phone or NIN is part of a near-duplicate. */
  async collectorHistory(
    tx: Executor,
    sub: { id: string; submittedBy: string; replaces?: string | null },
    from: Date,
    to: Date,
  ) {
    const rows = await tx
      .select({
        lat: submissions.gpsLat,
        lng: submissions.gpsLng,
        at: submissions.completedAt,
        versionId: submissions.questionnaireVersionId,
        answers: submissions.answers,
        id: submissions.id,
        piiSealed: submissions.piiSealed,
      })
      .from(submissions)
      .where(
        and(
          eq(submissions.submittedBy, sub.submittedBy),
          ne(submissions.id, sub.id),
          // A correction is not a near-duplicate of the survey it corrects, nor a GPS cluster with it.
          sub.replaces ? ne(submissions.id, sub.replaces) : undefined,
          between(submissions.completedAt, from, to),
        ),
      )
      .orderBy(newestFirst(submissions.completedAt))
      .limit(50);
    return rows.map(({ id, piiSealed, ...r }) =>
      piiSealed ? { ...r, answers: { ...r.answers, ...this.openPii(id, piiSealed) } } : r,
    );
  }

  /** Same rows, same order and limit as `collectorHistory`, for each request (one lateral query). */
  async collectorHistories(tx: Executor, requests: HistoryRequest[]): Promise<Map<string, HistoryRow[]>> {
    const out = new Map<string, HistoryRow[]>();
    if (!requests.length) return out;
    const pairs = rowsOf<{ sid: string; hid: string }>(await tx.execute(historyIdsQuery(requests)));
    const missing = [...new Set(pairs.map((p) => p.hid).filter((id) => !this.historyRows.has(id)))];
    if (missing.length) {
      const rows = await tx
        .select({
          id: submissions.id,
          lat: submissions.gpsLat,
          lng: submissions.gpsLng,
          at: submissions.completedAt,
          versionId: submissions.questionnaireVersionId,
          answers: submissions.answers,
          piiSealed: submissions.piiSealed,
        })
        .from(submissions)
        .where(inArray(submissions.id, missing));
      for (const { id, piiSealed, ...r } of rows)
        this.historyRows.set(id, piiSealed ? { ...r, answers: { ...r.answers, ...this.openPii(id, piiSealed) } } : r);
    }
    for (const r of requests) out.set(r.id, []);
    for (const p of pairs) {
      const row = this.historyRows.get(p.hid);
      if (row) out.get(p.sid)!.push(row);
    }
    for (const list of out.values()) list.sort((a, b) => b.at.getTime() - a.at.getTime());
    return out;
  }

  /**
   * Rows `fixesByOthers` would find, for each request, in one query: the union of the requests' few
   * metres of latitude (a BitmapOr on submissions_gps_lat_idx, planned with the actual bounds), split
   * back per request here (another collector, the same day, at most 50 each, like `fixesByOthers`).
   */
  async fixesByOthersMany(
    tx: Executor,
    requests: FixesRequest[],
  ): Promise<Map<string, { lat: number | null; lng: number | null }[]>> {
    const out = new Map<string, { lat: number | null; lng: number | null }[]>();
    if (!requests.length) return out;
    const rows = rowsOf<{ by: string | null; at: Date; lat: number | null; lng: number | null }>(
      await tx.execute(fixesQuery(requests)),
    ).map((r) => ({ ...r, at: new Date(r.at) }));
    // Each request takes the first 50 rows, in the query's order, of another collector, its day and its
    // band. A batch's rows (every request's band) are many: rather than one pass over all of them per
    // request, the rows sorted by latitude are searched for the request's band, and its matches are
    // put back in the query's order.
    const at = rows.map((row) => row.at.getTime());
    const byLat = rows.flatMap((row, i) => (row.by === null || row.lat === null ? [] : [i]));
    byLat.sort((a, b) => rows[a]!.lat! - rows[b]!.lat!);
    const lats = byLat.map((i) => rows[i]!.lat!);
    for (const r of requests) {
      let lo = 0;
      let hi = lats.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (lats[mid]! < r.lat.min) lo = mid + 1;
        else hi = mid;
      }
      const from = r.day.from.getTime();
      const to = r.day.to.getTime();
      const matches: number[] = [];
      for (let k = lo; k < lats.length && lats[k]! <= r.lat.max; k++) {
        const i = byLat[k]!;
        if (rows[i]!.by === r.submittedBy || at[i]! < from || at[i]! >= to) continue;
        matches.push(i);
      }
      matches.sort((a, b) => a - b);
      out.set(
        r.id,
        matches.slice(0, 50).map((i) => ({ lat: rows[i]!.lat, lng: rows[i]!.lng })),
      );
    }
    return out;
  }

  async fixesByOthers(
    tx: Executor,
    submittedBy: string,
    day: { from: Date; to: Date },
    lat: { min: number; max: number },
  ) {
    return tx
      .select({ lat: submissions.gpsLat, lng: submissions.gpsLng })
      .from(submissions)
      .where(
        and(
          ne(submissions.submittedBy, submittedBy),
          gte(submissions.completedAt, day.from),
          lt(submissions.completedAt, day.to),
          between(submissions.gpsLat, lat.min, lat.max),
        ),
      )
      .limit(50);
  }

  /** The form's median duration over its latest surveys (at most 1,000: bounded at any registry size). */
  async countByPhone(tx: Executor, phoneHash: string, excludeId: string, from: Date, to: Date): Promise<number> {
    const [row] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(submissions)
      .where(
        and(
          eq(submissions.phoneHash, phoneHash),
          ne(submissions.id, excludeId),
          gte(submissions.completedAt, from),
          lte(submissions.completedAt, to),
        ),
      );
    return row?.n ?? 0;
  }

  /** The newest submission that gave this phone (its blind index), any channel: "check my registration". */
  async latestByPhone(executor: Executor, phoneHash: string): Promise<SubmissionRow | undefined> {
    const [row] = await executor
      .select()
      .from(submissions)
      .where(and(eq(submissions.phoneHash, phoneHash), ne(submissions.status, 'held')))
      .orderBy(newestFirst(submissions.completedAt))
      .limit(1);
    return row && this.open(row);
  }

  async durationStats(tx: Executor, versionId: string): Promise<{ n: number; median: number | null }> {
    const result = await tx.execute(durationStatsQuery(versionId));
    const row = (result as unknown as { rows: { n: number; median: number | string | null }[] }).rows[0];
    return {
      n: Number(row?.n ?? 0),
      median: row?.median === null || row?.median === undefined ? null : Number(row.median),
    };
  }
}

/** A scope as a WHERE clause on indexed columns (submitter, LGA). */
function scopeWhere(scope: Scope): SQL | undefined {
  switch (scope.kind) {
    case 'all':
      return undefined;
    case 'lga':
      return eq(submissions.lgaCode, scope.lgaCode);
    case 'own':
      return eq(submissions.submittedBy, scope.userId);
    case 'none':
      return sql`false`;
  }
}

// The fraud checks' reads of every ingested survey, each served by an index (query-plans.test.ts checks their plans).

/** A form's median duration over its latest 1,000 surveys (submissions_version_completed_idx). */
export function durationStatsQuery(versionId: string): SQL {
  return sql`
      select count(*)::int as n,
             percentile_cont(0.5) within group (order by seconds) as median
      from (select extract(epoch from ${submissions.completedAt} - ${submissions.startedAt}) as seconds
            from ${submissions}
            where ${submissions.questionnaireVersionId} = ${versionId}
            order by ${newestFirst(submissions.completedAt)}
            limit 1000) recent`;
}

/** Each survey's collector's 50 newest surveys before it: ids only (an index-only scan of submissions_collector_idx). */
export function historyIdsQuery(requests: readonly HistoryRequest[]): SQL {
  return sql`
        select b.sid::text as sid, h.id::text as hid
          from unnest(${uuidArray(requests.map((r) => r.id))}, ${uuidArray(requests.map((r) => r.submittedBy))},
                      ${uuidArray(requests.map((r) => r.replaces))}, ${timeArray(requests.map((r) => r.from))},
                      ${timeArray(requests.map((r) => r.to))}) as b(sid, by, rep, f, t)
          cross join lateral (
            select s.id from ${submissions} s
             where s.submitted_by = b.by and s.id <> b.sid and (b.rep is null or s.id <> b.rep)
               and s.completed_at between b.f and b.t
             order by s.completed_at desc nulls last
             limit 50) h`;
}

/**
 * Fixes within the requests' bands of latitude on their days (submissions_gps_lat_idx on (gps_lat,
 * completed_at): the day is tested in the index), planned with the actual bounds (an unnamed statement).
 */
export function fixesQuery(requests: readonly FixesRequest[]): SQL {
  const from = new Date(Math.min(...requests.map((r) => r.day.from.getTime())));
  const to = new Date(Math.max(...requests.map((r) => r.day.to.getTime())));
  return sql`select ${submissions.submittedBy} as "by", ${submissions.completedAt} as "at",
                    ${submissions.gpsLat} as "lat", ${submissions.gpsLng} as "lng"
               from ${submissions}
              where ${and(
                gte(submissions.completedAt, from),
                lt(submissions.completedAt, to),
                or(...requests.map((r) => between(submissions.gpsLat, r.lat.min, r.lat.max))),
              )}`;
}
