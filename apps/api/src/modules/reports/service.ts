import {
  AGE_BANDS,
  AGE_BAND_LABELS,
  CHANNELS,
  CHANNEL_LABELS,
  EMPLOYMENT_TYPE_LABELS,
  GENDER_LABELS,
  LGA_CODES,
  REPORT_MAX_RANGE_DAYS,
  RESPONDENT_STATUSES,
  STATUS_LABELS,
  lagosDay,
  lgaName,
  publishCount,
  publishTable,
  sectorName,
  skillLabel,
  subjectKeys,
  type Insights,
  type ReportCount,
  type ReportFilter,
  type ReportSubject,
  type ReportSummary,
} from '@oslrs/core';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { requireAccess, scopeOf, type Actor } from '../../access/index.js';
import type { Db, Executor } from '../../infra/db.js';
import { Invalid } from '../../errors.js';
import { ReportRepository, type RollupDelta, type Slice } from './repository.js';

const ANY = '*';
const repo = new ReportRepository();

/**
 * Rollup deltas, gathered per respondent kind: one entry per (LGA, channel, status, day), holding the
 * counts of its `dim␁key`s. A respondent adds ~8 counts to its kind's entry; only `sorted` spreads each
 * kind over the 16 cells × periods it counts in (each value or `*`, the day and its month). A batch's
 * respondents share a few kinds, so the spreading is paid per kind, not per respondent (it was 16 × 8
 * map updates per respondent).
 */
type RollupDeltas = Map<
  string,
  {
    lga: string;
    channel: string;
    status: string;
    day: string;
    keys: Map<string, { dim: string; key: string; count: number }>;
  }
>;

/** The rollup rows one respondent adds (sign +1) or removes (sign -1), merged into `into`. */
export function addDeltas(into: RollupDeltas, s: ReportSubject, sign: number): void {
  // A record merged into another is the same person counted once: it adds nothing.
  if (s.status === 'merged') return;
  const day = lagosDay(s.createdAt);
  const lga = s.lgaCode ?? 'unknown';
  const kind = `${lga}\u0001${s.source}\u0001${s.status}\u0001${day}`;
  let entry = into.get(kind);
  if (!entry) into.set(kind, (entry = { lga, channel: s.source, status: s.status, day, keys: new Map() }));
  for (const [dim, key] of subjectKeys(s)) {
    const dimKey = `${dim}\u0001${key}`;
    const count = entry.keys.get(dimKey);
    if (count) count.count += sign;
    else entry.keys.set(dimKey, { dim, key, count: sign });
  }
}

/** The rows that change, in the order of their full key (concurrent writers lock the shared rows alike). */
function sorted(deltas: RollupDeltas): RollupDelta[] {
  // Each kind's counts spread over its cells: (lga, channel, status) each value or `*`, by day and month.
  const cells = new Map<string, Map<string, RollupDelta>>();
  for (const e of deltas.values()) {
    const month = `${e.day.slice(0, 8)}01`;
    for (const lga of [e.lga, ANY])
      for (const channel of [e.channel, ANY])
        for (const status of [e.status, ANY])
          for (const [grain, period] of [
            ['d', e.day],
            ['m', month],
          ] as const) {
            const cell = `${lga}\u0001${channel}\u0001${status}\u0001${grain}\u0001${period}`;
            let rows = cells.get(cell);
            if (!rows) cells.set(cell, (rows = new Map()));
            for (const [dimKey, { dim, key, count }] of e.keys) {
              if (count === 0) continue;
              const row = rows.get(dimKey);
              if (row) row.count += count;
              else rows.set(dimKey, { lga, channel, status, grain, period, dim, key, count });
            }
          }
  }
  const rows: [string, RollupDelta][] = [];
  for (const [cell, byKey] of cells)
    for (const [dimKey, d] of byKey) if (d.count !== 0) rows.push([`${cell}\u0001${dimKey}`, d]);
  return rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
}

/**
 * THE one entry point that keeps the report rollups true: call it in the same transaction as every
 * change to a respondent that reports count (creation, status, LGA, channel, demographics, skills),
 * with the respondent as it was (`before`, null when new) and as it is (`after`, null when deleted).
 *
 * Callers today: submissions/ingest.ts (creation, and a correction's changes), respondents/service.ts
 * completeNin (pending_nin_capture → active) and respondents/oversight.ts (an assessor's decision, a
 * merge: a merged record counts nowhere). Any new change must call it too; otherwise the dashboards
 * drift until the next `npm run reports:rebuild`.
 */
export async function recordRespondent(
  tx: Executor,
  before: ReportSubject | null,
  after: ReportSubject | null,
): Promise<void> {
  const deltas: RollupDeltas = new Map();
  if (before) addDeltas(deltas, before, -1);
  if (after) addDeltas(deltas, after, +1);
  await repo.apply(tx, sorted(deltas));
}

/**
 * Many changes at once (an ingestion batch): their deltas summed into one write, so the shared `*`
 * rows are updated once per batch, not once per respondent (the same counts as one call per change).
 */
export async function recordRespondents(
  tx: Executor,
  changes: readonly { before: ReportSubject | null; after: ReportSubject | null }[],
): Promise<void> {
  if (!changes.length) return;
  const deltas: RollupDeltas = new Map();
  for (const { before, after } of changes) {
    if (before) addDeltas(deltas, before, -1);
    if (after) addDeltas(deltas, after, +1);
  }
  await repo.apply(tx, sorted(deltas));
}

/**
 * Recompute every rollup from the respondents, in one transaction (readers see the old numbers until
 * it commits). `subjects` pages through the respondents (the respondents module owns them).
 */
export async function rebuildRollups(
  db: Db,
  subjects: (executor: Executor, onPage: (page: ReportSubject[]) => void) => Promise<void>,
): Promise<{ respondents: number; rows: number }> {
  return db.transaction(async (tx) => {
    await tx.execute(sqlLockRollups);
    await repo.clear(tx);
    const deltas: RollupDeltas = new Map();
    let respondents = 0;
    await subjects(tx, (page) => {
      for (const s of page) addDeltas(deltas, s, +1);
      respondents += page.length;
    });
    const rows = sorted(deltas);
    for (let i = 0; i < rows.length; i += 20_000) await repo.apply(tx, rows.slice(i, i + 20_000));
    return { respondents, rows: rows.length };
  });
}

/** The rebuild blocks concurrent rollup writers (ingestion waits) so no change is lost between read and write. */
const sqlLockRollups = sql`lock table report_rollups in exclusive mode`;

/**
 * At start (under the migration lock): a registry with no rollups yet — just migrated to them, or
 * restored from a dump without them — gets them built once from its respondents.
 */
export async function ensureRollups(db: Db, subjects: Parameters<typeof rebuildRollups>[1]) {
  if (!(await repo.isEmpty(db))) return null;
  return rebuildRollups(db, subjects);
}

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const firstOfNextMonth = (day: string) => {
  const d = new Date(`${day.slice(0, 8)}01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
};

/** Whole months inside [from, to] are read at month grain, the rest at day grain. */
export function sliceOf(lga: string, channel: string, status: string, from: string, to: string): Slice {
  const monthFrom = from.endsWith('-01') ? from : firstOfNextMonth(from);
  const after = addDays(to, 1);
  const monthEnd = after.endsWith('-01') ? after : `${to.slice(0, 8)}01`;
  if (monthFrom >= monthEnd) return { lga, channel, status, from, to, monthFrom: after, monthEnd: after };
  return { lga, channel, status, from, to, monthFrom, monthEnd };
}

const counts = (
  rows: { key: string; count: number }[],
  label: (key: string) => string,
  top?: number,
): ReportCount[] => {
  const list = rows
    .filter((r) => r.count > 0)
    .map((r) => ({ key: r.key, label: label(r.key), count: r.count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
  return top ? list.slice(0, top) : list;
};

/** Statuses counted in public insights: every registration except rejected ones. */
const PUBLISHED_STATUSES = RESPONDENT_STATUSES.filter((st) => st !== 'rejected');
/** Public insights are recomputed at most this often (per process). */
export const INSIGHTS_TTL_MS = 5 * 60_000;

export class ReportService {
  private insightsCache: { at: number; body: Insights; etag: string } | null = null;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Public insights from the rollups (statewide, all time, rejected registrations left out), with
   * small-cell and complementary suppression; cached for INSIGHTS_TTL_MS with a strong ETag.
   */
  async insights(): Promise<{ body: Insights; etag: string }> {
    const cached = this.insightsCache;
    if (cached && this.now() - cached.at < INSIGHTS_TTL_MS) return cached;
    const to = lagosDay(new Date(this.now()));
    const rows = await this.db.transaction(async (tx) => {
      await repo.serialReads(tx);
      const firsts = [];
      for (const st of PUBLISHED_STATUSES) firsts.push(await repo.firstMonth(tx, ANY, ANY, st));
      const from = firsts.filter((f): f is string => !!f).sort()[0] ?? to;
      const s = sliceOf(ANY, ANY, ANY, from, to > from ? to : from);
      const cell = { lga: [ANY], channel: [ANY], status: PUBLISHED_STATUSES };
      return repo.summary(tx, s, { ...cell, lga: [...LGA_CODES, 'unknown'] }, 'month', cell);
    });
    const part = (name: string) => rows.filter((r) => r.part === name);
    const dim = (name: string) => part('dim').filter((r) => r.key === name && r.count > 0);
    const total = dim('total')[0]?.count ?? 0;
    const labelled = (list: { key: string; count: number }[], label: (k: string) => string) =>
      list.map((r) => ({ key: r.key, label: label(r.key), count: r.count }));
    const body: Insights = {
      generatedAt: new Date(this.now()).toISOString(),
      total: publishCount('total', 'Registrations', total),
      // Every LGA is listed (a zero is "fewer than 10" like any small cell), in the state's order.
      byLga: publishTable(
        [...LGA_CODES, 'unknown']
          .map((code) => ({ key: code, count: part('lga').find((r) => r.key === code)?.count ?? 0 }))
          .filter((c) => c.key !== 'unknown' || c.count > 0)
          .map((c) => ({ ...c, label: lgaName(c.key) ?? 'LGA not recorded' })),
      ),
      bySector: publishTable(
        labelled(
          dim('sector').map((r) => ({ key: r.sub, count: r.count })),
          (k) => sectorName(k) ?? k,
        ).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1)),
      ),
      byGender: publishTable(
        labelled(
          dim('gender').map((r) => ({ key: r.sub, count: r.count })),
          (k) => GENDER_LABELS[k] ?? k,
        ).sort((a, b) => (a.key < b.key ? -1 : 1)),
      ),
      byAgeBand: publishTable(
        [...AGE_BANDS.map((b) => b.key), 'unknown']
          .map((key) => ({
            key,
            label: AGE_BAND_LABELS[key] ?? key,
            count: dim('age_band').find((r) => r.sub === key)?.count ?? 0,
          }))
          .filter((c) => c.key !== 'unknown' || c.count > 0),
      ),
      overTime: publishTable(
        part('time')
          .filter((r) => r.count > 0)
          .sort((a, b) => (a.key < b.key ? -1 : 1))
          .map((r) => ({ key: r.key.slice(0, 7), label: r.key.slice(0, 7), count: r.count })),
      ),
    };
    const etag = `"${createHash('sha256')
      .update(JSON.stringify({ ...body, generatedAt: '' }))
      .digest('base64url')
      .slice(0, 27)}"`;
    this.insightsCache = { at: this.now(), body, etag };
    return this.insightsCache;
  }

  async summary(actor: Actor, filter: ReportFilter): Promise<ReportSummary> {
    // Supervisors: their own LGA only; another LGA answers like a record out of scope (404).
    if (filter.lga) requireAccess(actor, 'report.read', { lgaCode: filter.lga });
    const scope = scopeOf(actor, 'report.read');
    let lga = filter.lga ?? null;
    if (scope.kind === 'lga') lga = scope.lgaCode;
    else if (scope.kind !== 'all') requireAccess(actor, 'report.read', {});

    const to = filter.to ?? lagosDay(new Date());
    if (filter.from && !filter.to && (Date.parse(to) - Date.parse(filter.from)) / DAY_MS + 1 > REPORT_MAX_RANGE_DAYS)
      throw Invalid('VALIDATION_FAILED', 'The date range is longer than ten years', {
        issues: [{ path: ['from'], message: 'The date range is longer than ten years' }],
      });
    const cell = { lga: lga ?? ANY, channel: filter.channel ?? ANY, status: filter.status ?? ANY };
    const { rows, interval } = await this.db.transaction(async (tx) => {
      await repo.serialReads(tx);
      // Without a `from`, from the cell's first month; a `to` before it is an empty range ending at `to`
      // (never the first month's days: that counted registrations after `to`).
      const first = filter.from ?? (await repo.firstMonth(tx, cell.lga, cell.channel, cell.status)) ?? to;
      const from = first > to ? to : first;
      const s = sliceOf(cell.lga, cell.channel, cell.status, from, to);
      const spanDays = (Date.parse(s.to) - Date.parse(s.from)) / DAY_MS + 1;
      const interval = spanDays <= 366 ? ('day' as const) : ('month' as const);
      const across = {
        lga: lga ? [lga] : [...LGA_CODES, 'unknown'],
        channel: filter.channel ? [filter.channel] : CHANNELS,
        status: filter.status ? [filter.status] : RESPONDENT_STATUSES,
      };
      return { rows: await repo.summary(tx, s, across, interval), interval };
    });
    const part = (name: string) => rows.filter((r) => r.part === name);
    const dim = (name: string) =>
      part('dim')
        .filter((r) => r.key === name)
        .map((r) => ({ key: r.sub, count: r.count }));
    const overTime = part('time')
      .map((r) => ({ date: r.key, count: r.count }))
      .sort((a, b) => (a.date < b.date ? -1 : 1));
    const byLga = part('lga');
    const byChannel = part('channel');
    const byStatus = part('status');
    const labelled = (labels: Record<string, string>) => (k: string) => labels[k] ?? k;
    return {
      filters: { from: filter.from ?? null, to, lga, channel: filter.channel ?? null, status: filter.status ?? null },
      total: dim('total')[0]?.count ?? 0,
      interval,
      overTime: overTime.filter((r) => r.count > 0),
      byLga: counts(byLga, (k) => lgaName(k) ?? 'LGA not recorded'),
      bySector: counts(dim('sector'), (k) => sectorName(k) ?? k),
      bySkill: counts(dim('skill'), (k) => (k === 'other' ? 'Other (not in the taxonomy)' : skillLabel(k)), 20),
      byEmploymentType: counts(dim('employment_type'), labelled(EMPLOYMENT_TYPE_LABELS)),
      byGender: counts(dim('gender'), labelled(GENDER_LABELS)),
      byAgeBand: counts(dim('age_band'), labelled(AGE_BAND_LABELS)),
      byChannel: counts(byChannel, labelled(CHANNEL_LABELS)),
      byStatus: counts(byStatus, labelled(STATUS_LABELS)),
    };
  }
}
