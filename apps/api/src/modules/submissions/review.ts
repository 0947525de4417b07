/**
 * Review: overseers list submissions (their scope, flagged first when asked), read one with its
 * answers, and approve, reject or return it for correction. Which decision may follow which is decided
 * by `reviewStep` (@oslrs/core review.ts) and nowhere else; every change is one audited transaction.
 */
import {
  RETURNABLE_CHANNELS,
  reviewStep,
  type Channel,
  type Correction,
  type ReviewBody,
  type ReviewDetail,
  type ReviewItem,
  type ReviewListPage,
  type ReviewListQuery,
  type ReviewState,
  type ReviewStatus,
  type SubmissionStatusView,
} from '@oslrs/core';
import { can, requireAccess, scopeOf, type Actor } from '../../access/index.js';
import type { Db } from '../../infra/db.js';
import { Conflict, Invalid, Unprocessable } from '../../errors.js';
import { fraudSummary } from '../fraud/index.js';
import { recordAudit } from '../audit/index.js';
import type { UserRepository } from '../auth/index.js';
import { respondentFieldName, type VersionCache } from '../questionnaires/index.js';
import type { ReviewKey, ReviewListRow, SubmissionRepository, SubmissionRow } from './repository.js';
import { isCorrectionRequest, shownStatus } from './resident-corrections.js';
import { progressOf } from './attachments.js';

/** A timestamptz as PostgreSQL writes it (`2026-12-05 10:00:00.123456+00`). */
const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2}){0,2})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cursor names its sort, so a cursor of one order is never read as a position in the other. */
export function encodeCursor(sort: string, key: ReviewKey): string {
  return Buffer.from(JSON.stringify([sort, key.score, key.at, key.id])).toString('base64url');
}

export function decodeCursor(cursor: string, sort: string): ReviewKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const [s, score, at, id] = Array.isArray(parsed) ? (parsed as unknown[]) : [];
  if (
    s !== sort ||
    typeof score !== 'number' ||
    !Number.isInteger(score) ||
    typeof at !== 'string' ||
    !PG_TIMESTAMP.test(at) ||
    typeof id !== 'string' ||
    !UUID.test(id)
  )
    throw Invalid('CURSOR_INVALID', 'Use the nextCursor of the previous page (with the same sort)');
  return { score, at, id };
}

export function reviewStateOf(row: ReviewListRow): ReviewState {
  return {
    status: row.reviewStatus as ReviewStatus,
    comment: row.reviewComment,
    reviewedAt: row.reviewedAt?.toISOString() ?? null,
    reviewedBy: row.reviewedBy,
  };
}

/** What the collector sees of a review on their own list (who reviewed stays with the overseers). */
export function collectorReviewOf(
  row: Pick<SubmissionRow, 'reviewStatus' | 'reviewComment' | 'reviewedAt'>,
): NonNullable<SubmissionStatusView['review']> {
  return {
    status: row.reviewStatus as ReviewStatus,
    comment: row.reviewComment,
    reviewedAt: row.reviewedAt?.toISOString() ?? null,
  };
}

function toItem(row: ReviewListRow, names: Map<string, string>): ReviewItem {
  return {
    id: row.id,
    status: shownStatus(row.status),
    channel: row.channel as Channel,
    lga: row.lgaCode,
    enumerator: row.submittedBy ? { id: row.submittedBy, name: names.get(row.submittedBy) ?? null } : null,
    fraud:
      row.fraudScore !== null && row.fraudBand ? fraudSummary(row.fraudScore, row.fraudBand, row.fraudReasons) : null,
    startedAt: row.startedAt.toISOString(),
    completedAt: row.completedAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    ingestedAt: row.ingestedAt?.toISOString() ?? null,
    respondentId: row.respondentId,
    replaces: row.replaces,
    ...(isCorrectionRequest(row) ? { correctionOf: row.replaces! } : {}),
    review: reviewStateOf(row),
  };
}

const AUDIT_ACTION = { approve: 'submission.approved', reject: 'submission.rejected', return: 'submission.returned' };

export class ReviewService {
  constructor(
    private readonly db: Db,
    private readonly repo: SubmissionRepository,
    private readonly users: Pick<UserRepository, 'namesOf'>,
    private readonly versions: VersionCache,
    /** Wakes the ingest job for an approved correction request (its outbox row is already committed). */
    private readonly wake: (ids: string[]) => Promise<void> = async () => {},
  ) {}

  /** The answers as this overseer may see them: the NIN masked but for its last three digits, except in full to super admins and assessors. */
  private async shownAnswers(actor: Actor, row: SubmissionRow) {
    if (can(actor, 'nin.full')) return row.answers;
    const version = await this.versions.load(this.db, row.questionnaireVersionId);
    const field = version ? respondentFieldName(version.form, 'nin') : 'nin';
    const nin = row.answers[field];
    if (typeof nin !== 'string' || !nin) return row.answers;
    return { ...row.answers, [field]: `********${nin.slice(-3)}` };
  }

  private async names(rows: ReviewListRow[]) {
    return this.users.namesOf(this.db, [...new Set(rows.flatMap((r) => (r.submittedBy ? [r.submittedBy] : [])))]);
  }

  /** One page of the review list within the caller's scope (a supervisor: their LGA, whatever `lga` says). */
  async list(actor: Actor, q: ReviewListQuery): Promise<ReviewListPage> {
    const scope = scopeOf(actor, 'submission.oversee');
    const after = q.cursor ? decodeCursor(q.cursor, q.sort) : undefined;
    const rows = await this.repo.reviewPage(
      this.db,
      scope,
      {
        lga: q.lga,
        status: q.status,
        band: q.band,
        enumeratorId: q.enumeratorId,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      },
      q.sort,
      q.limit + 1,
      after,
    );
    const page = rows.slice(0, q.limit);
    const names = await this.names(page);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toItem(r, names)),
      nextCursor: rows.length > q.limit && last ? encodeCursor(q.sort, last.key) : null,
    };
  }

  /** One submission with its answers, for an overseer in scope; a view of personal data, so audited. */
  async detail(actor: Actor, id: string): Promise<ReviewDetail> {
    const row = await this.repo.findById(this.db, id);
    requireAccess(actor, 'submission.oversee', row && { lgaCode: row.lgaCode });
    const [names, replacedBy, files] = await Promise.all([
      this.names([row!]),
      this.repo.replacementOf(this.db, id),
      this.repo.attachmentsOf(this.db, id),
    ]);
    await recordAudit(this.db, actor, { action: 'submission.viewed', targetType: 'submission', targetId: id });
    const error = row!.error as { code: string; message: string } | null;
    return {
      ...toItem(row!, names),
      questionnaireVersionId: row!.questionnaireVersionId,
      answers: await this.shownAnswers(actor, row!),
      error: error ? { code: error.code, message: error.message } : null,
      replacedBy,
      ...(files.length ? { attachments: files.map((f) => ({ ...progressOf(f), contentType: f.contentType })) } : {}),
    };
  }

  /**
   * Approve, reject or return: the row is locked, the state machine decides, the change and its audit
   * row commit together. The same decision again changes nothing; another one is a 409 with the state.
   */
  async decide(actor: Actor, id: string, body: ReviewBody): Promise<{ submission: ReviewItem; changed: boolean }> {
    const decided = await this.db.transaction(async (tx) => {
      const row = await this.repo.lockForReview(tx, id);
      requireAccess(actor, 'submission.review', row && { lgaCode: row.lgaCode });
      const current = row!.reviewStatus as ReviewStatus;
      const step = reviewStep(current, body.decision);
      if (step.kind === 'conflict')
        throw Conflict(
          'REVIEW_CONFLICT',
          current === 'superseded'
            ? 'This submission was superseded by its correction; review the correction instead'
            : `This submission is already ${current}`,
          { current: reviewStateOf(row!) },
        );
      if (body.decision === 'return' && !RETURNABLE_CHANNELS.includes(row!.channel))
        throw Unprocessable('NOT_RETURNABLE', `A ${row!.channel} submission has no collector to return it to`);
      if (step.kind === 'repeat') return { submission: toItem(row!, await this.names([row!])), changed: false };
      let updated = await this.repo.setReview(tx, id, {
        reviewStatus: step.to,
        reviewedBy: actor.id,
        reviewedAt: new Date(),
        reviewComment: body.comment ?? null,
      });
      // A resident's correction request waits `held`: approval sends it to ingestion, rejection ends it.
      let release = false;
      if (row!.status === 'held' && step.to === 'approved') {
        await this.repo.releaseHeld(tx, id);
        release = true;
      } else if (row!.status === 'held' && step.to === 'rejected') updated = await this.repo.dropHeld(tx, id);
      await recordAudit(tx, actor, {
        action: AUDIT_ACTION[body.decision],
        targetType: 'submission',
        targetId: id,
        before: { reviewStatus: current },
        after: { reviewStatus: step.to, ...(body.comment ? { comment: body.comment } : {}) },
      });
      return { submission: toItem(updated, await this.names([updated])), changed: true, release };
    });
    if (decided.release) await this.wake([id]);
    return { submission: decided.submission, changed: decided.changed };
  }

  /** The caller's own surveys returned for correction, with the answers to start the correction from. */
  async corrections(actor: Actor): Promise<{ items: Correction[] }> {
    if (!actor.id) return { items: [] };
    const rows = await this.repo.returnedTo(this.db, actor.id);
    return {
      items: rows.map((r) => ({
        id: r.id,
        questionnaireVersionId: r.questionnaireVersionId,
        answers: r.answers,
        ninDeferred: r.ninDeferred,
        completedAt: r.completedAt.toISOString(),
        comment: r.reviewComment,
        reviewedAt: r.reviewedAt?.toISOString() ?? null,
      })),
    };
  }
}
