/**
 * Aggregates over `submissions` for supervision (team dashboards, an enumerator's own progress, the
 * admin overview). The submissions module owns the table, so the queries live here; the supervision
 * module decides who may see them and shapes the answer.
 *
 * Every query is bounded by an indexed range: the collector index (submitted_by, completed_at) for
 * team and personal numbers, the completed_at index for the registry-wide counts.
 */
import { and, gte, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import { FLAGGED_BANDS, SUPERVISION_TIME_ZONE } from '@oslrs/core';
import { submissions } from '../../db/schema/submissions.js';
import { newestFirst, type Executor } from '../../infra/db.js';

/**
 * The ONE place that knows how review outcomes are stored: the ingestion's refusal (status) and the
 * reviewer's decision (review_status). A superseded original drops out of the target; its correction
 * counts on the day it was done.
 */
export function reviewOutcomeSql(): {
  countsTowardTarget: SQL;
  rejected: SQL;
  returned: SQL;
  awaitingReview: SQL;
} {
  return {
    countsTowardTarget: sql`${submissions.status} <> 'rejected' and ${submissions.reviewStatus} not in ('rejected', 'superseded')`,
    rejected: sql`(${submissions.status} = 'rejected' or ${submissions.reviewStatus} = 'rejected')`,
    returned: sql`${submissions.reviewStatus} = 'returned'`,
    awaitingReview: sql`(${submissions.status} = 'ingested' and ${submissions.reviewStatus} = 'pending')`,
  };
}

const flagged = sql`${submissions.fraudBand} in (${sql.join(
  FLAGGED_BANDS.map((b) => sql`${b}`),
  sql`, `,
)})`;

/**
 * The West Africa Time calendar day of a completion, as YYYY-MM-DD. The zone is a literal, not a
 * parameter: the same expression appears in SELECT and GROUP BY, and two parameters would differ.
 */
const ZONE = sql.raw(`'${SUPERVISION_TIME_ZONE.replace(/'/g, '')}'`);
const localDay = sql<string>`to_char(${submissions.completedAt} at time zone ${ZONE}, 'YYYY-MM-DD')`;

export interface CollectorDay {
  collectorId: string;
  day: string;
  /** Submissions that count toward the target. */
  n: number;
  flagged: number;
  rejected: number;
  returned: number;
}

export interface GpsFix {
  submissionId: string;
  collectorId: string;
  lat: number;
  lng: number;
  accuracy: number | null;
  completedAt: Date;
  band: string | null;
}

export class SubmissionStats {
  /** Per collector and local day, from `from` on (completed_at). */
  async perCollectorDay(executor: Executor, collectorIds: string[], from: Date): Promise<CollectorDay[]> {
    if (!collectorIds.length) return [];
    const r = reviewOutcomeSql();
    const rows = await executor
      .select({
        collectorId: sql<string>`${submissions.submittedBy}`,
        day: localDay,
        n: sql<number>`(count(*) filter (where ${r.countsTowardTarget}))::int`,
        flagged: sql<number>`(count(*) filter (where ${flagged}))::int`,
        rejected: sql<number>`(count(*) filter (where ${r.rejected}))::int`,
        returned: sql<number>`(count(*) filter (where ${r.returned}))::int`,
      })
      .from(submissions)
      .where(and(inArray(submissions.submittedBy, collectorIds), gte(submissions.completedAt, from)))
      .groupBy(submissions.submittedBy, localDay);
    return rows;
  }

  /**
   * Each collector's last delivery (the newest received_at): when their device last synced work.
   * Looked for among surveys completed since `since` (devices hold work at most a week offline).
   */
  async lastReceived(executor: Executor, collectorIds: string[], since: Date): Promise<Map<string, Date>> {
    if (!collectorIds.length) return new Map();
    const rows = await executor
      .select({
        collectorId: sql<string>`${submissions.submittedBy}`,
        at: sql<Date>`max(${submissions.receivedAt})`,
      })
      .from(submissions)
      .where(and(inArray(submissions.submittedBy, collectorIds), gte(submissions.completedAt, since)))
      .groupBy(submissions.submittedBy);
    return new Map(rows.map((r) => [r.collectorId, new Date(r.at)]));
  }

  /** GPS fixes of these collectors' surveys completed since `from`, newest first. */
  async gpsFixes(executor: Executor, collectorIds: string[], from: Date, limit: number): Promise<GpsFix[]> {
    if (!collectorIds.length) return [];
    const rows = await executor
      .select({
        submissionId: submissions.id,
        collectorId: sql<string>`${submissions.submittedBy}`,
        lat: sql<number>`${submissions.gpsLat}`,
        lng: sql<number>`${submissions.gpsLng}`,
        accuracy: submissions.gpsAccuracy,
        completedAt: submissions.completedAt,
        band: submissions.fraudBand,
      })
      .from(submissions)
      .where(
        and(
          inArray(submissions.submittedBy, collectorIds),
          gte(submissions.completedAt, from),
          isNotNull(submissions.gpsLat),
          isNotNull(submissions.gpsLng),
        ),
      )
      .orderBy(newestFirst(submissions.completedAt))
      .limit(limit);
    return rows;
  }

  /** Registry-wide counts for the admin overview. */
  async overview(
    executor: Executor,
    windows: { todayStart: Date; weekStart: Date; flaggedSince: Date },
  ): Promise<{ today: number; week: number; pendingIngest: number; flaggedWaiting: number }> {
    const r = reviewOutcomeSql();
    const since = windows.weekStart < windows.flaggedSince ? windows.weekStart : windows.flaggedSince;
    const [counts] = await executor
      .select({
        today: sql<number>`(count(*) filter (where ${submissions.completedAt} >= ${windows.todayStart}))::int`,
        week: sql<number>`(count(*) filter (where ${submissions.completedAt} >= ${windows.weekStart}))::int`,
        flaggedWaiting: sql<number>`(count(*) filter (where ${submissions.completedAt} >= ${windows.flaggedSince} and ${flagged} and ${r.awaitingReview}))::int`,
      })
      .from(submissions)
      .where(gte(submissions.completedAt, since));
    // The partial index on received rows answers this without touching the rest.
    const [pending] = await executor
      .select({ n: sql<number>`count(*)::int` })
      .from(submissions)
      .where(sql`${submissions.status} = 'received'`);
    return {
      today: counts?.today ?? 0,
      week: counts?.week ?? 0,
      flaggedWaiting: counts?.flaggedWaiting ?? 0,
      pendingIngest: pending?.n ?? 0,
    };
  }
}
