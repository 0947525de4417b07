import { createHash } from 'node:crypto';
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import {
  MAX_BATCH,
  isWellFormedNin,
  submissionBodySchema,
  type Channel,
  type Role,
  type SessionUser,
  type SubmissionBody,
  type SubmissionStatusView,
} from '@oslrs/core';
import { submissionOutbox, submissions } from '../../db/schema/index.js';
import type { Db } from '../../infra/db.js';
import type { JobQueue } from '../../infra/queue.js';
import { Conflict, DomainError, Forbidden, Invalid, NotFound, Unprocessable } from '../../errors.js';
import type { VersionCache } from '../questionnaires/compiled.js';
import { respondentFieldName } from '../respondents/mapping.js';

export const INGEST_JOB = 'submission.ingest';

/** The channel comes from who is calling, never from the body. */
export const CHANNEL_BY_ROLE: Partial<Record<Role, Channel>> = {
  enumerator: 'enumerator',
  data_entry_clerk: 'clerk',
  public_user: 'public',
};
/** Roles that may read any submission's status (others only their own). */
const OVERSEERS: readonly Role[] = ['super_admin', 'supervisor', 'verification_assessor'];

type SubmissionRow = typeof submissions.$inferSelect;

/** Stable JSON: keys sorted at every level, so the same body always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function toStatusView(row: SubmissionRow): SubmissionStatusView {
  const view: SubmissionStatusView = { id: row.id, status: row.status as SubmissionStatusView['status'], receivedAt: row.receivedAt.toISOString() };
  if (row.error) view.error = row.error as SubmissionStatusView['error'];
  if (row.respondentId) view.respondentId = row.respondentId;
  if (row.ingestedAt) view.ingestedAt = row.ingestedAt.toISOString();
  if (row.fraudScore !== null && row.fraudBand) {
    view.fraud = { score: row.fraudScore, band: row.fraudBand, reasons: (row.fraudReasons as string[] | null) ?? [] };
  }
  return view;
}

export class SubmissionService {
  constructor(
    private readonly db: Db,
    private readonly versions: VersionCache,
    private readonly queue: JobQueue,
    private readonly onError: (err: unknown, msg: string) => void,
  ) {}

  /**
   * Intake: check the shape and the answers against their exact version, then commit the raw
   * submission and its outbox row in one transaction before replying. The queue only wakes a worker.
   */
  async receive(user: SessionUser, body: SubmissionBody): Promise<{ view: SubmissionStatusView; replay: boolean }> {
    const channel = CHANNEL_BY_ROLE[user.role];
    if (!channel) throw Forbidden('FORBIDDEN', 'Your role does not submit surveys');
    const bodyHash = createHash('sha256').update(canonical(body)).digest('base64url');

    const existing = await this.db.select().from(submissions).where(eq(submissions.id, body.id)).limit(1);
    if (existing[0]) return { view: this.replay(existing[0], user, bodyHash), replay: true };

    const version = await this.versions.load(this.db, body.questionnaireVersionId);
    if (!version) throw Unprocessable('VERSION_UNKNOWN', 'No published questionnaire version has this id');
    if (version.archived) throw Unprocessable('VERSION_ARCHIVED', 'This questionnaire has been archived; download the current one');

    const ninField = respondentFieldName(version.form, 'nin');
    const nin = body.answers[ninField];
    const ninGiven = typeof nin === 'string' ? nin.trim() !== '' : nin !== null && nin !== undefined;
    if (ninGiven && !(typeof nin === 'string' && isWellFormedNin(nin))) {
      throw Unprocessable('NIN_INVALID', 'A NIN is 11 digits (not one digit repeated)', { field: ninField });
    }
    if (body.ninDeferred && ninGiven) throw Invalid('NIN_DEFERRED_WITH_NIN', 'ninDeferred is set but a NIN was given');
    const result = version.compiled.validate(body.answers);
    // A deferred NIN is the one required answer that may be missing.
    const errors = result.errors.filter((e) => !(body.ninDeferred && e.field === ninField && e.code === 'REQUIRED'));
    if (errors.length) {
      throw Unprocessable('ANSWERS_INVALID', `${errors.length} answer${errors.length === 1 ? '' : 's'} not valid`, { errors });
    }

    const inserted = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(submissions)
        .values({
          id: body.id,
          questionnaireVersionId: version.id,
          channel,
          submittedBy: user.id,
          answers: body.answers,
          ninDeferred: body.ninDeferred ?? false,
          startedAt: new Date(body.startedAt),
          completedAt: new Date(body.completedAt),
          gpsLat: body.gps?.lat ?? null,
          gpsLng: body.gps?.lng ?? null,
          gpsAccuracy: body.gps?.accuracy ?? null,
          deviceId: body.deviceId ?? null,
          bodyHash,
        })
        .onConflictDoNothing({ target: submissions.id })
        .returning();
      if (row) await tx.insert(submissionOutbox).values({ submissionId: row.id });
      return row;
    });
    if (!inserted) {
      // Lost a race with the same id: answer as a replay.
      const [row] = await this.db.select().from(submissions).where(eq(submissions.id, body.id)).limit(1);
      return { view: this.replay(row!, user, bodyHash), replay: true };
    }
    await this.enqueue(inserted.id);
    return { view: toStatusView(inserted), replay: false };
  }

  private replay(row: SubmissionRow, user: SessionUser, bodyHash: string): SubmissionStatusView {
    if (row.bodyHash !== bodyHash || row.submittedBy !== user.id) {
      throw Conflict('SUBMISSION_CONFLICT', 'A different submission was already received with this id', { id: row.id });
    }
    return toStatusView(row);
  }

  /** Enqueue without ever blocking the reply on Redis: the relay covers what this misses. */
  private async enqueue(id: string) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.queue.enqueue(INGEST_JOB, id),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('enqueue timed out')), 1000);
      }),
    ])
      .catch((err) => this.onError(err, 'enqueue failed; the outbox relay will retry'))
      .finally(() => clearTimeout(timer));
  }

  /** Up to 50 at once; each item succeeds or fails on its own. */
  async receiveBatch(user: SessionUser, items: unknown[]) {
    if (items.length > MAX_BATCH) {
      throw Invalid('BATCH_TOO_LARGE', `Send at most ${MAX_BATCH} submissions at once`, { max: MAX_BATCH, got: items.length });
    }
    const results = [];
    for (const [index, item] of items.entries()) {
      const parsed = submissionBodySchema.safeParse(item);
      const id = typeof (item as { id?: unknown })?.id === 'string' ? ((item as { id: string }).id.slice(0, 64)) : undefined;
      if (!parsed.success) {
        results.push({
          index,
          id,
          status: 'error' as const,
          error: {
            code: 'VALIDATION_FAILED',
            message: 'The submission is not valid',
            details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
          },
        });
        continue;
      }
      try {
        const { view } = await this.receive(user, parsed.data);
        results.push({ index, id: view.id, status: view.status, ...(view.error ? { error: view.error } : {}) });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        results.push({ index, id, status: 'error' as const, error: { code: err.code, message: err.message, details: err.details } });
      }
    }
    return { results };
  }

  async status(id: string, viewer: SessionUser): Promise<SubmissionStatusView> {
    const [row] = await this.db.select().from(submissions).where(eq(submissions.id, id)).limit(1);
    if (!row || (row.submittedBy !== viewer.id && !OVERSEERS.includes(viewer.role))) throw NotFound('No such submission');
    return toStatusView(row);
  }

  /** The caller's own recent submissions, newest first (cursor = completedAt of the last one seen). */
  async mine(viewer: SessionUser, limit: number, before?: string) {
    const rows = await this.db
      .select()
      .from(submissions)
      .where(and(eq(submissions.submittedBy, viewer.id), before ? lt(submissions.completedAt, new Date(before)) : undefined))
      .orderBy(desc(submissions.completedAt))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({ ...toStatusView(r), completedAt: r.completedAt.toISOString() })),
      nextCursor: rows.length > limit ? page[page.length - 1]!.completedAt.toISOString() : null,
    };
  }

  /** Relay: outbox rows not done after `olderThanMs` go back on the queue (lost Redis, dead worker). */
  async requeuePending(olderThanMs: number, max = 5000): Promise<number> {
    const rows = await this.db
      .select({ id: submissionOutbox.submissionId })
      .from(submissionOutbox)
      .where(and(sql`${submissionOutbox.doneAt} is null`, lt(submissionOutbox.createdAt, new Date(Date.now() - olderThanMs))))
      .orderBy(submissionOutbox.createdAt)
      .limit(max);
    for (const r of rows) await this.queue.enqueue(INGEST_JOB, r.id).catch((err) => this.onError(err, 'relay enqueue failed'));
    if (rows.length) {
      await this.db
        .update(submissionOutbox)
        .set({ attempts: sql`${submissionOutbox.attempts} + 1` })
        .where(inArray(submissionOutbox.submissionId, rows.map((r) => r.id)));
    }
    return rows.length;
  }
}
