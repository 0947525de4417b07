import { desc, sql } from 'drizzle-orm';
import {
  DEFAULT_FRAUD_THRESHOLDS,
  fraudThresholdsSchema,
  type FormSchema,
  type FraudSignal,
  type FraudThresholds,
} from '@oslrs/core';
import { fraudSettings } from '../../db/schema/fraud.js';
import type { Db, Executor } from '../../infra/db.js';
import type { Actor } from '../../access/index.js';
import { recordAudit } from '../audit/index.js';
import type { HistoryRow, SubmissionHistory, SubmissionRow } from '../submissions/index.js';
import { band, haversineMetres, isOffHours, similarity, straightLined } from './signals.js';
import { reasonText, signal } from './reasons.js';

export interface FraudResult {
  score: number;
  band: string;
  /** The English sentences stored with the survey (reasons.ts: each a signal's, read back as codes for pages). */
  reasons: string[];
  settingsVersion: number;
}

const HOUR = 3600_000;

/** Version 1 of the fraud thresholds (SPEC's starting points), on first start. */
export async function ensureDefaultFraudSettings(executor: Executor) {
  await executor
    .insert(fraudSettings)
    .values({ version: 1, thresholds: DEFAULT_FRAUD_THRESHOLDS })
    .onConflictDoNothing();
}

/** The span of a collector's work one survey is compared with (GPS cluster and near-duplicate windows). */
function historyWindow(sub: SubmissionRow, t: FraudThresholds) {
  const windowMs = Math.max(t.gps.clusterWindowHours * HOUR, t.nearDuplicate.windowDays * 24 * HOUR);
  return { from: new Date(sub.completedAt.getTime() - windowMs), to: sub.completedAt };
}

/** Where another collector's fix would count: the survey's (WAT) day, a few metres of latitude around it. */
function othersArea(sub: SubmissionRow, lat: number, t: FraudThresholds) {
  const at = sub.completedAt;
  const dayStart = new Date(Math.floor((at.getTime() + HOUR) / (24 * HOUR)) * 24 * HOUR - HOUR);
  const dLat = t.gps.otherCollectorRadiusM / 111_000 + 1e-7;
  return {
    day: { from: dayStart, to: new Date(dayStart.getTime() + 24 * HOUR) },
    lat: { min: lat - dLat, max: lat + dLat },
  };
}

/** Signals computed at ingestion for every channel; they flag, they never reject. */
export class FraudService {
  /** Median durations change slowly; recomputing them for every ingestion would be O(n) each time. */
  private readonly medians = new Map<string, { at: number; value: Promise<{ n: number; median: number | null }> }>();

  constructor(
    private readonly db: Db,
    /** The collector's other work, read through the submissions module that owns it. */
    private readonly history: SubmissionHistory,
    /** Where a collector is assigned (their LGA), for the out-of-area signal. */
    private readonly collectorLga: (executor: Executor, userId: string) => Promise<string | null>,
  ) {}

  /**
   * The form's median duration over its latest surveys (at most 1,000: a bounded query at any
   * registry size), cached for a minute per process and computed once however many ingestions ask.
   */
  private durationStats(tx: Executor, versionId: string): Promise<{ n: number; median: number | null }> {
    const hit = this.medians.get(versionId);
    if (hit && Date.now() - hit.at < 60_000) return hit.value;
    const value = this.history.durationStats(tx, versionId);
    if (this.medians.size > 500) this.medians.clear();
    this.medians.set(versionId, { at: Date.now(), value });
    value.catch(() => this.medians.delete(versionId));
    return value;
  }

  private cached: { at: number; value: { version: number; thresholds: FraudThresholds } } | undefined;

  /** Read for every ingestion: kept for a few seconds (a change reaches other processes within that). */
  private async currentSettings(executor: Executor) {
    if (this.cached && Date.now() - this.cached.at < 5_000) return this.cached.value;
    const value = await this.settings(executor);
    this.cached = { at: Date.now(), value };
    return value;
  }

  async settings(executor: Executor = this.db): Promise<{ version: number; thresholds: FraudThresholds }> {
    const [row] = await executor.select().from(fraudSettings).orderBy(desc(fraudSettings.version)).limit(1);
    if (!row) return { version: 0, thresholds: DEFAULT_FRAUD_THRESHOLDS };
    return { version: row.version, thresholds: fraudThresholdsSchema.parse(row.thresholds) };
  }

  /** Each change is a new version; scores keep the version they were computed with. */
  async updateSettings(ctx: Actor, thresholds: FraudThresholds) {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`lock table fraud_settings in share row exclusive mode`);
      const current = await this.settings(tx);
      const version = current.version + 1;
      await tx.insert(fraudSettings).values({ version, thresholds, createdBy: ctx.id });
      this.cached = undefined;
      await recordAudit(tx, ctx, {
        action: 'fraud.settings_changed',
        targetType: 'fraud_settings',
        targetId: String(version),
        before: current.thresholds,
        after: thresholds,
      });
      return { version, thresholds };
    });
  }

  private assignedLga(tx: Executor, userId: string, memo?: Map<string, Promise<string | null>>) {
    if (!memo) return this.collectorLga(tx, userId);
    let lga = memo.get(userId);
    if (!lga) {
      lga = this.collectorLga(tx, userId);
      memo.set(userId, lga);
      lga.catch(() => memo.delete(userId));
    }
    return lga;
  }

  /**
   * Many submissions (an ingestion batch): the collectors' histories and other collectors' fixes read
   * for all of them in one round trip each, then each scored exactly as `score` would.
   */
  async scoreMany(tx: Executor, items: { sub: SubmissionRow; form: FormSchema }[]): Promise<FraudResult[]> {
    if (!items.length) return [];
    const { thresholds: t } = await this.currentSettings(tx);
    const collected = items.flatMap(({ sub }) => (sub.submittedBy ? [{ sub, by: sub.submittedBy }] : []));
    const [histories, fixes] = await Promise.all([
      this.history.collectorHistories(
        tx,
        collected.map(({ sub, by }) => ({
          id: sub.id,
          submittedBy: by,
          replaces: sub.replaces,
          ...historyWindow(sub, t),
        })),
      ),
      this.history.fixesByOthersMany(
        tx,
        collected.flatMap(({ sub, by }) =>
          sub.gpsLat !== null && sub.gpsLng !== null
            ? [{ id: sub.id, submittedBy: by, ...othersArea(sub, sub.gpsLat, t) }]
            : [],
        ),
      ),
    ]);
    const lgas = new Map<string, Promise<string | null>>();
    const out: FraudResult[] = [];
    for (const { sub, form } of items)
      out.push(await this.score(tx, sub, form, lgas, { history: histories.get(sub.id), others: fixes.get(sub.id) }));
    return out;
  }

  /**
   * `collectorLgas`: where collectors are assigned, remembered across one ingestion batch (one look-up
   * each); `read`: the history and other collectors' fixes `scoreMany` read for the whole batch.
   */
  async score(
    tx: Executor,
    sub: SubmissionRow,
    form: FormSchema,
    collectorLgas?: Map<string, Promise<string | null>>,
    read?: { history?: HistoryRow[]; others?: { lat: number | null; lng: number | null }[] },
  ): Promise<FraudResult> {
    const { version, thresholds: t } = await this.currentSettings(tx);
    const signals: FraudSignal[] = [];
    let score = 0;
    const at = sub.completedAt;
    // One look at the collector's recent work serves the GPS and near-duplicate signals.
    const window = historyWindow(sub, t);
    const history = sub.submittedBy
      ? (read?.history ??
        (await this.history.collectorHistory(
          tx,
          { id: sub.id, submittedBy: sub.submittedBy, replaces: sub.replaces },
          window.from,
          window.to,
        )))
      : [];

    // GPS: only when the device sent a fix.
    if (sub.gpsLat !== null && sub.gpsLng !== null) {
      const here = { lat: sub.gpsLat, lng: sub.gpsLng };
      const gps: FraudSignal[] = [];
      if (sub.gpsAccuracy !== null && sub.gpsAccuracy > t.gps.maxAccuracyM) {
        gps.push(signal('gps_accuracy', { accuracy: Math.round(sub.gpsAccuracy), max: t.gps.maxAccuracyM }));
      }
      if (sub.submittedBy) {
        const since = at.getTime() - t.gps.clusterWindowHours * HOUR;
        const recent = history.filter((r) => r.lat !== null && r.lng !== null && r.at.getTime() >= since);
        const near = recent.filter((r) => haversineMetres(here, { lat: r.lat!, lng: r.lng! }) <= t.gps.clusterRadiusM);
        if (near.length + 1 >= t.gps.clusterCount) {
          gps.push(
            signal('gps_cluster', {
              count: near.length + 1,
              radius: t.gps.clusterRadiusM,
              hours: t.gps.clusterWindowHours,
            }),
          );
        }
        const previous = recent.find((r) => r.at < at);
        if (previous) {
          const hours = Math.max((at.getTime() - previous.at.getTime()) / HOUR, 1 / 3600);
          const kmh = haversineMetres(here, { lat: previous.lat!, lng: previous.lng! }) / 1000 / hours;
          if (kmh > t.gps.maxSpeedKmh) gps.push(signal('gps_speed', { kmh: Math.round(kmh) }));
        }
        // Another collector's survey within a few metres the same (WAT) day.
        const area = othersArea(sub, here.lat, t);
        const others = read?.others ?? (await this.history.fixesByOthers(tx, sub.submittedBy, area.day, area.lat));
        if (
          others.some(
            (o) => o.lng !== null && haversineMetres(here, { lat: o.lat!, lng: o.lng }) <= t.gps.otherCollectorRadiusM,
          )
        ) {
          gps.push(signal('gps_other_collector', { radius: t.gps.otherCollectorRadiusM }));
        }
      }
      if (gps.length) {
        score += t.gps.points;
        signals.push(...gps);
      }
    }

    // Speed-run: against the form's median once there are enough surveys, else a per-question floor.
    const seconds = (sub.completedAt.getTime() - sub.startedAt.getTime()) / 1000;
    const stats = await this.durationStats(tx, sub.questionnaireVersionId);
    const answered = Object.keys(sub.answers).length;
    if (stats.n >= t.speedRun.minSurveysForMedian && stats.median) {
      if (seconds < t.speedRun.medianFraction * stats.median) {
        score += t.speedRun.points;
        signals.push(signal('speed_run_median', { seconds: Math.round(seconds), median: Math.round(stats.median) }));
      }
    } else if (seconds < t.speedRun.floorSecondsPerQuestion * answered) {
      score += t.speedRun.points;
      signals.push(signal('speed_run_floor', { seconds: Math.round(seconds), answers: answered }));
    }

    const lined = straightLined(form, sub.answers, t.straightLining);
    if (lined) {
      score += t.straightLining.points;
      signals.push(signal('straight_lining', lined));
    }

    if (sub.submittedBy) {
      const since = at.getTime() - t.nearDuplicate.windowDays * 24 * HOUR;
      const recent = history.filter((r) => r.versionId === sub.questionnaireVersionId && r.at.getTime() >= since);
      const best = recent.reduce((m, r) => Math.max(m, similarity(form, sub.answers, r.answers)), 0);
      if (best >= t.nearDuplicate.equalFraction) {
        score += t.nearDuplicate.points;
        signals.push(signal('near_duplicate', { percent: Math.round(best * 100) }));
      }
    }

    // An enumerator works their own LGA: a respondent elsewhere is flagged (never refused).
    if (sub.channel === 'enumerator' && sub.submittedBy && sub.lgaCode) {
      const assigned = await this.assignedLga(tx, sub.submittedBy, collectorLgas);
      if (assigned && assigned !== sub.lgaCode) {
        score += t.outOfArea.points;
        signals.push(signal('out_of_area', { lga: sub.lgaCode, assigned }));
      }
    }

    if (isOffHours(at, t.offHours)) {
      score += t.offHours.points;
      const time = `${String((at.getUTCHours() + 1) % 24).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
      signals.push(signal('off_hours', { time }));
    }

    // Many registrations from one phone: scored where the phone is the caller's own as the network
    // reported it (USSD). A typed phone is often a relative's or a collector's; those repeats go to
    // the likely-duplicates queue instead. Registrations through any channel are counted.
    if (sub.channel === 'ussd' && sub.phoneHash) {
      const from = new Date(at.getTime() - t.samePhone.windowDays * 24 * HOUR);
      const n = (await this.history.countByPhone(tx, sub.phoneHash, sub.id, from, at)) + 1;
      if (n >= t.samePhone.count) {
        score += t.samePhone.points;
        signals.push(signal('same_phone', { count: n, days: t.samePhone.windowDays }));
      }
    }

    score = Math.min(100, score);
    return { score, band: band(score, t.bands), reasons: signals.map(reasonText), settingsVersion: version };
  }
}
